package io.flarestack.common.tenant;

import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.grpc.Context;
import io.grpc.Metadata;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Tenant identity: the {@code X-Scope-OrgID} header, its validation, and the gRPC context key
 * that carries the resolved tenant through a call. With multitenancy disabled every request is
 * tenant {@link #ANONYMOUS} and the header is ignored. Every door (Connect, gRPC, plain HTTP)
 * resolves the tenant through {@link #resolve(boolean, Iterable)} from all values of the header
 * (a plain HTTP route passes {@code request.headerValues(Tenant.HEADER)}; this package knows no
 * transport, the edge sits above it).
 */
public final class Tenant {
  public static final String HEADER = "X-Scope-OrgID";
  public static final String ANONYMOUS = "anonymous";
  public static final Metadata.Key<String> METADATA_KEY = Metadata.Key.of("x-scope-orgid", Metadata.ASCII_STRING_MARSHALLER);
  public static final Context.Key<String> CONTEXT_KEY = Context.key("flarestack-tenant");
  private static final int MAX_LENGTH = 150;
  private static final int MAX_QUOTED = 5;

  private Tenant() {}

  /**
   * The tenant of the current gRPC call.
   *
   * @throws FlarestackException unauthenticated when no tenant was resolved for this call
   */
  public static String current() {
    String t = CONTEXT_KEY.get();
    if (t == null) {
      throw new FlarestackException(ErrorCode.UNAUTHENTICATED, "no org id");
    }
    return t;
  }

  /**
   * Resolves the tenant of a gRPC (or Connect) call from every {@code x-scope-orgid} entry of its
   * metadata.
   *
   * @throws FlarestackException as {@link #resolve(boolean, Iterable)}
   */
  public static String resolve(boolean multitenancyEnabled, Metadata headers) {
    Iterable<String> values = headers.getAll(METADATA_KEY);
    return resolve(multitenancyEnabled, values == null ? List.of() : values);
  }

  /**
   * Resolves the tenant from all values of the tenant header, the one rule every door uses. With
   * multitenancy off the header is ignored, whatever it holds (Pyroscope does the same), and the
   * tenant is {@link #ANONYMOUS}. With multitenancy on, each value is split at commas (a proxy may
   * join repeated headers into one comma-separated field, as HTTP allows; commas are never part
   * of a tenant id) and the request must name exactly one tenant: repeating the same id is fine,
   * two different ids are refused rather than picking one, since a proxy that appends its own
   * header instead of replacing the client's would otherwise let the client choose the tenant.
   *
   * @param headerValues every value of the header, in order; empty when absent
   * @throws FlarestackException invalid_argument naming the values when they name different
   *     tenants; unauthenticated when the header is missing or empty, names several tenants
   *     joined with {@code |}, or the id is invalid
   */
  public static String resolve(boolean multitenancyEnabled, Iterable<String> headerValues) {
    if (!multitenancyEnabled) {
      return ANONYMOUS;
    }
    Set<String> ids = new LinkedHashSet<>();
    for (String value : headerValues) {
      for (String item : value.split(",", -1)) {
        ids.add(item.strip());
      }
    }
    if (ids.size() > 1) {
      throw FlarestackException.invalidArgument(
          "ambiguous tenant: the request carries %d different %s values (%s); send exactly one", ids.size(), HEADER,
          quoted(ids));
    }
    String id = ids.isEmpty() ? "" : ids.iterator().next();
    if (id.isEmpty()) {
      throw new FlarestackException(ErrorCode.UNAUTHENTICATED, "no org id");
    }
    if (id.indexOf('|') >= 0) {
      throw new FlarestackException(ErrorCode.UNAUTHENTICATED,
          "multiple org ids are not supported for this request: " + id);
    }
    String problem = validate(id);
    if (problem != null) {
      throw new FlarestackException(ErrorCode.UNAUTHENTICATED, problem);
    }
    return id;
  }

  // At most a few values, each cut short: the header may be repeated thousands of times.
  private static String quoted(Set<String> ids) {
    StringBuilder sb = new StringBuilder();
    int n = 0;
    for (String id : ids) {
      if (n == MAX_QUOTED) {
        sb.append(", and ").append(ids.size() - MAX_QUOTED).append(" more");
        break;
      }
      if (n > 0) {
        sb.append(n == ids.size() - 1 ? " and " : ", ");
      }
      sb.append('"').append(id.length() > MAX_LENGTH ? id.substring(0, MAX_LENGTH) + "..." : id).append('"');
      n++;
    }
    return sb.toString();
  }

  /** Why {@code id} is not a valid tenant id (dskit's rules), or null when it is. */
  public static String validate(String id) {
    if (id.length() > MAX_LENGTH) {
      return "tenant id is too long: " + id.length() + " characters, the limit is " + MAX_LENGTH;
    }
    if (id.equals(".") || id.equals("..")) {
      return "tenant id " + id + " is not allowed";
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!-_.*'()".indexOf(c) >= 0;
      if (!ok) {
        return "tenant id " + '"' + id + '"' + " contains unsupported character '" + c + "'";
      }
    }
    return null;
  }
}
