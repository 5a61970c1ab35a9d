package io.flarestack.common.edge.http;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * Maps a method and path to a handler. Lookup order: exact routes, then RPC paths
 * ({@code /<service>/<method>} of registered gRPC services, through the lookup function), then
 * the longest matching prefix route. A path known under other methods answers 405 with
 * {@code Allow}; an unknown path answers 404. Both carry a Connect-style JSON error. Routes may
 * be added at any time; thread-safe.
 */
public final class Router {
  private final Function<String, RouteHandler> rpcLookup;
  private final ConcurrentMap<String, ConcurrentMap<String, RouteHandler>> exact = new ConcurrentHashMap<>();
  private volatile List<Prefix> prefixes = List.of(); // longest first; replaced under the lock

  /**
   * A routing decision.
   *
   * @param template the matched route template (the path, or the prefix of a prefix route); null
   *     when nothing matched
   * @param handler what answers the request, also for 404 and 405
   */
  public record Match(String template, RouteHandler handler) {}

  private record Prefix(String prefix, ConcurrentMap<String, RouteHandler> byMethod) {}

  /** @param rpcLookup finds the handler of an RPC path, or returns null */
  public Router(Function<String, RouteHandler> rpcLookup) {
    this.rpcLookup = requireNonNull(rpcLookup, "rpcLookup is null");
  }

  /**
   * Adds an exact route.
   *
   * @throws IllegalArgumentException when the method and path are already routed
   */
  public void add(String method, String path, RouteHandler handler) {
    checkPath(path);
    ConcurrentMap<String, RouteHandler> byMethod = exact.computeIfAbsent(path, p -> new ConcurrentHashMap<>());
    put(byMethod, method, path, handler);
  }

  /**
   * Adds a prefix route; the longest matching prefix wins.
   *
   * @throws IllegalArgumentException when the method and prefix are already routed
   */
  public synchronized void addPrefix(String method, String prefix, RouteHandler handler) {
    checkPath(prefix);
    for (Prefix p : prefixes) {
      if (p.prefix().equals(prefix)) {
        put(p.byMethod(), method, prefix + "*", handler);
        return;
      }
    }
    ConcurrentMap<String, RouteHandler> byMethod = new ConcurrentHashMap<>();
    put(byMethod, method, prefix + "*", handler);
    List<Prefix> copy = new ArrayList<>(prefixes);
    copy.add(new Prefix(prefix, byMethod));
    copy.sort(Comparator.comparingInt((Prefix p) -> p.prefix().length()).reversed());
    prefixes = List.copyOf(copy);
  }

  /** Finds the handler of a request; never null. */
  public Match match(String method, String path) {
    Map<String, RouteHandler> byMethod = exact.get(path);
    if (byMethod != null) {
      RouteHandler h = byMethod.get(method);
      return new Match(path, h != null ? h : methodNotAllowed(method, path, byMethod));
    }
    RouteHandler rpc = rpcLookup.apply(path);
    if (rpc != null) {
      return new Match(path, rpc);
    }
    Prefix longest = null;
    for (Prefix p : prefixes) {
      if (path.startsWith(p.prefix())) {
        RouteHandler h = p.byMethod().get(method);
        if (h != null) {
          return new Match(p.prefix(), h);
        }
        if (longest == null) {
          longest = p;
        }
      }
    }
    if (longest != null) {
      return new Match(longest.prefix(), methodNotAllowed(method, path, longest.byMethod()));
    }
    return new Match(null, (request, info) -> CompletableFuture.completedFuture(
        error(404, ErrorCode.NOT_FOUND, "no route for " + method + " " + path)));
  }

  /** A Connect-style JSON error reply with an explicit HTTP status. */
  public static Reply error(int status, ErrorCode code, String message) {
    return Reply.of(HttpResponse.error(status, new FlarestackException(code, message)));
  }

  /** The 405 reply for a path served under other methods. */
  public static Reply methodNotAllowed(String method, String path, Iterable<String> allowed) {
    String allow = String.join(", ", allowed);
    HttpResponse e = HttpResponse.error(405, new FlarestackException(ErrorCode.UNIMPLEMENTED,
        "method " + method + " is not allowed for " + path + "; allowed: " + allow));
    Map<String, String> headers = new java.util.HashMap<>(e.headers());
    headers.put("Allow", allow);
    return Reply.of(new HttpResponse(405, e.contentType(), headers, e.body()));
  }

  private static RouteHandler methodNotAllowed(String method, String path, Map<String, RouteHandler> byMethod) {
    Reply reply = methodNotAllowed(method, path, new TreeSet<>(byMethod.keySet()));
    return (request, info) -> CompletableFuture.completedFuture(reply);
  }

  private static void put(ConcurrentMap<String, RouteHandler> byMethod, String method, String what, RouteHandler handler) {
    requireNonNull(handler, "handler is null");
    String m = requireNonNull(method, "method is null").toUpperCase(Locale.ROOT);
    if (byMethod.putIfAbsent(m, handler) != null) {
      throw new IllegalArgumentException("route " + m + " " + what + " is already registered");
    }
  }

  private static void checkPath(String path) {
    if (requireNonNull(path, "path is null").isEmpty() || path.charAt(0) != '/') {
      throw new IllegalArgumentException("route path must start with /, got \"" + path + "\"");
    }
  }
}
