package io.flarestack.server.testing;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A Connect unary client (binary proto over HTTP/1.1), the way Grafana and the SDKs call. */
public final class Connect {
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;

  public Connect(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** A failed call: the HTTP status and the Connect error body. */
  public static final class CallException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public final int status;

    CallException(int status, String body) {
      super("HTTP " + status + ": " + body);
      this.status = status;
    }
  }

  public <T extends Message> T call(String path, Message request, Parser<T> parser) {
    HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/proto")
        .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray()))
        .build();
    HttpResponse<byte[]> resp;
    try {
      resp = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (resp.statusCode() != 200) {
      throw new CallException(resp.statusCode(), new String(resp.body(), StandardCharsets.UTF_8));
    }
    try {
      return parser.parseFrom(resp.body());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A GET returning the status and body text. */
  public HttpResponse<String> get(String path) {
    try {
      return client.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
