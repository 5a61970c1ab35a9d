package io.flarestack.common.edge.http;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.errors.FlarestackException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A complete HTTP response. The server may gzip the body when the client accepts it.
 *
 * @param status HTTP status code
 * @param contentType the Content-Type, or null for none
 * @param headers extra headers
 * @param body the body, never null
 */
public record HttpResponse(int status, String contentType, Map<String, String> headers, byte[] body) {
  public HttpResponse {
    requireNonNull(headers, "headers is null");
    requireNonNull(body, "body is null");
    headers = Map.copyOf(headers);
  }

  public static HttpResponse ok(String contentType, byte[] body) {
    return new HttpResponse(200, contentType, Map.of(), body);
  }

  public static HttpResponse text(int status, String text) {
    return new HttpResponse(status, "text/plain; charset=utf-8", Map.of(), text.getBytes(StandardCharsets.UTF_8));
  }

  public static HttpResponse json(int status, String json) {
    return new HttpResponse(status, "application/json", Map.of(), json.getBytes(StandardCharsets.UTF_8));
  }

  public static HttpResponse empty(int status) {
    return new HttpResponse(status, null, Map.of(), new byte[0]);
  }

  /**
   * A Connect-style JSON error body {@code {"code":..,"message":..}} with the HTTP status of the
   * error ({@link FlarestackException#httpStatus()}). Legacy routes that must answer with another status use {@link #error(int, FlarestackException)}.
   */
  public static HttpResponse error(FlarestackException e) {
    return error(e.httpStatus(), e);
  }

  public static HttpResponse error(int status, FlarestackException e) {
    String json = "{\"code\":\"" + e.code().connectCode() + "\",\"message\":" + JsonStrings.quote(e.getMessage()) + "}";
    return new HttpResponse(status, "application/json", Map.of("X-Content-Type-Options", "nosniff"), json.getBytes(StandardCharsets.UTF_8));
  }
}
