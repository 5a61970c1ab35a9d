package io.flarestack.common.edge.http;

import io.flarestack.common.io.Gzip;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one place that decides whether a response is gzipped: the request's
 * {@code Accept-Encoding} accepts gzip, the body is larger than {@link #MIN_BYTES}, the
 * response has no Content-Encoding yet, and it is not a gRPC response (gRPC compresses per
 * message, never the HTTP body).
 */
public final class ResponseCompression {
  /** Bodies this small gain nothing from compression. */
  public static final int MIN_BYTES = 1024;

  private ResponseCompression() {}

  /** The reply to send: {@code reply} itself, or a gzipped copy with {@code Content-Encoding: gzip}. */
  public static Reply apply(HttpRequest request, Reply reply) {
    HttpResponse r = reply.response();
    if (!reply.trailers().isEmpty() || r.body().length <= MIN_BYTES || !acceptsGzip(request)
        || hasHeader(r.headers(), "content-encoding")
        || (r.contentType() != null && r.contentType().startsWith("application/grpc"))) {
      return reply;
    }
    Map<String, String> headers = new HashMap<>(r.headers());
    headers.put("Content-Encoding", "gzip");
    headers.put("Vary", "Accept-Encoding");
    return new Reply(new HttpResponse(r.status(), r.contentType(), headers, Gzip.gzipFast(r.body())), reply.trailers());
  }

  /** Whether an Accept-Encoding list names gzip (or *) without {@code q=0}. */
  public static boolean acceptsGzip(HttpRequest request) {
    List<String> values = request.headers().get("accept-encoding");
    if (values == null) {
      return false;
    }
    for (String value : values) {
      for (String item : value.split(",")) {
        String[] parts = item.split(";");
        String coding = parts[0].trim().toLowerCase(Locale.ROOT);
        if ((coding.equals("gzip") || coding.equals("*")) && !zeroQuality(parts)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean zeroQuality(String[] parts) {
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim().toLowerCase(Locale.ROOT);
      if (p.startsWith("q=")) {
        try {
          return Double.parseDouble(p.substring(2).trim()) == 0;
        } catch (NumberFormatException e) {
          return false;
        }
      }
    }
    return false;
  }

  private static boolean hasHeader(Map<String, String> headers, String name) {
    for (String key : headers.keySet()) {
      if (key.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }
}
