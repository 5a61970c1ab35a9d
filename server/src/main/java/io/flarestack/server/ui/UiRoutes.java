package io.flarestack.server.ui;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.edge.Server;
import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.edge.http.ResponseCompression;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Serves the web UI on the HTTP port, below every API route: exact and RPC routes match first,
 * so this catch-all only sees what nothing else serves. Files come from {@link UiAssets}; any
 * other path that is not an API path gets index.html, so a URL holding a view's state (
 * {@code /comparison-diff?...}) opens that view. API-looking paths keep a JSON 404.
 */
public final class UiRoutes {
  static final String IMMUTABLE = "public, max-age=31536000, immutable";
  static final String SHORT = "public, max-age=3600";
  static final String NO_CACHE = "no-cache";

  // package.Service (Connect/gRPC), plus the plain API and operations prefixes on this port.
  private static final Pattern RPC_SEGMENT = Pattern.compile("^/[A-Za-z_][\\w]*(\\.[A-Za-z_]\\w*)+\\.[A-Z]\\w*(/.*)?$");
  private static final List<String> API_PREFIXES = List.of("/pyroscope/", "/api/", "/ingest", "/push", "/otlp",
      "/v1development/", "/metrics", "/ready", "/config", "/debug/", "/admin", "/ring", "/memberlist", "/distributor/",
      "/ingester/", "/querier/", "/compactor/", "/store-gateway/", "/scheduler/", "/frontend/");
  private static final List<String> OTHER_METHODS = List.of("POST", "PUT", "DELETE", "PATCH");

  private final UiAssets assets;

  public UiRoutes(UiAssets assets) {
    this.assets = requireNonNull(assets, "assets is null");
  }

  /** Adds the GET catch-all, and keeps 404 (not 405) for unknown paths under other methods. */
  public void register(Server server) {
    server.addPrefixRoute("GET", "/", this::get);
    for (String m : OTHER_METHODS) {
      server.addPrefixRoute(m, "/", r -> notFound(r));
    }
  }

  /** Answers a GET that no other route took. */
  public HttpResponse get(HttpRequest request) {
    String path = request.path();
    if (isApi(path)) {
      return notFound(request);
    }
    if (path.equals("/ui") || path.equals("/ui/")) {
      return new HttpResponse(302, null, Map.of("Location", "../"), new byte[0]);
    }
    String relative = path.substring(1);
    if (!relative.isEmpty() && !relative.endsWith("/")) {
      UiAssets.Asset file = assets.file(relative);
      if (file != null && !relative.equals("index.html")) {
        return send(request, file, relative.startsWith("assets/") ? IMMUTABLE : SHORT);
      }
      if (lastSegment(relative).contains(".") && !relative.equals("index.html")) {
        return HttpResponse.text(404, "no such file: " + path + "\n");
      }
    }
    UiAssets.Asset index = assets.index();
    if (index == null) {
      return new HttpResponse(404, "text/html; charset=utf-8", Map.of("Cache-Control", NO_CACHE),
          ("<!doctype html><title>Flarestack</title><p>The web UI is not part of this build (it was built with "
              + "<code>-Dui.skip</code>). The API is served on this port as usual.</p>\n").getBytes(StandardCharsets.UTF_8));
    }
    return send(request, index, NO_CACHE);
  }

  static boolean isApi(String path) {
    if (RPC_SEGMENT.matcher(path).matches()) {
      return true;
    }
    for (String p : API_PREFIXES) {
      if (path.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  private static HttpResponse send(HttpRequest request, UiAssets.Asset a, String cacheControl) {
    Map<String, String> headers = new HashMap<>();
    headers.put("Cache-Control", cacheControl);
    headers.put("X-Content-Type-Options", "nosniff");
    if (a.gzipped() != null) {
      headers.put("Vary", "Accept-Encoding");
      if (ResponseCompression.acceptsGzip(request)) {
        headers.put("Content-Encoding", "gzip");
        return new HttpResponse(200, a.contentType(), headers, a.gzipped());
      }
    }
    return new HttpResponse(200, a.contentType(), headers, a.body());
  }

  private static HttpResponse notFound(HttpRequest r) {
    return HttpResponse.error(new FlarestackException(ErrorCode.NOT_FOUND, "no route for " + r.method() + " " + r.path()));
  }

  private static String lastSegment(String p) {
    return p.substring(p.lastIndexOf('/') + 1);
  }
}
