package io.flarestack.distributor.testing;

import io.flarestack.common.edge.http.HttpRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds {@link HttpRequest}s the way the HTTP server hands them to handlers. */
public final class HttpRequests {
  private HttpRequests() {}

  /**
   * A POST with a raw (percent-encoded) query string and alternating header names and values.
   */
  public static HttpRequest post(String path, String rawQuery, byte[] body, String... headers) {
    Map<String, List<String>> query = new LinkedHashMap<>();
    if (rawQuery != null && !rawQuery.isEmpty()) {
      for (String pair : rawQuery.split("&")) {
        int eq = pair.indexOf('=');
        String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        query.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
      }
    }
    Map<String, List<String>> h = new LinkedHashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      h.computeIfAbsent(headers[i].toLowerCase(Locale.ROOT), x -> new ArrayList<>()).add(headers[i + 1]);
    }
    return new HttpRequest("POST", path, query, h, body);
  }

  /** A multipart/form-data body; each part is {name, filename or null, bytes}. */
  public static byte[] multipart(String boundary, Object[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (Object[] p : parts) {
      StringBuilder head = new StringBuilder("--").append(boundary).append("\r\n")
          .append("Content-Disposition: form-data; name=\"").append(p[0]).append('"');
      if (p[1] != null) {
        head.append("; filename=\"").append(p[1]).append('"');
      }
      head.append("\r\nContent-Type: application/octet-stream\r\n\r\n");
      out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
      out.writeBytes((byte[]) p[2]);
      out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }
}
