package io.flarestack.common.edge.http;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * What the transport writes for one request: a response plus HTTP/2 trailers (only gRPC
 * responses carry trailers; a reply with trailers is never compressed and has no
 * Content-Length).
 *
 * @param response status, headers and body
 * @param trailers trailing headers, empty for everything but gRPC
 */
public record Reply(HttpResponse response, Map<String, String> trailers) {
  public Reply {
    requireNonNull(response, "response is null");
    trailers = Map.copyOf(requireNonNull(trailers, "trailers is null"));
  }

  public static Reply of(HttpResponse response) {
    return new Reply(response, Map.of());
  }

  public int status() {
    return response.status();
  }
}
