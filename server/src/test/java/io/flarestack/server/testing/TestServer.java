package io.flarestack.server.testing;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.flarestack.common.testing.Poll;
import io.flarestack.server.BuildInfo;
import io.flarestack.server.Flarestack;
import io.flarestack.server.FlarestackConfig;
import io.flarestack.server.Main;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The single binary started in-process on ephemeral ports, with small HTTP and gRPC clients for
 * tests. Start it with extra flags as the binary would take them.
 */
public final class TestServer implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  private final Flarestack app;
  private final TempData data;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private ManagedChannel grpc;

  private TestServer(Flarestack app, TempData data) {
    this.app = app;
    this.data = data;
    this.base = "http://127.0.0.1:" + app.httpPort();
  }

  public static TestServer start(String... flags) throws Exception {
    return start(Clock.systemUTC(), flags);
  }

  /** Starts with another clock, e.g. one set to the time a captured request was recorded. */
  public static TestServer start(Clock clock, String... flags) throws Exception {
    TestServer server = startUnready(clock, flags);
    server.awaitReady();
    return server;
  }

  /** Starts without waiting for {@code /ready} (for tests of why a server is not ready). */
  public static TestServer startUnready(Clock clock, String... flags) throws Exception {
    List<String> args = new ArrayList<>(List.of("-server.http-listen-port=0", "-server.grpc-listen-port=0"));
    args.addAll(List.of(flags));
    TempData data = new TempData();
    FlarestackConfig config = FlarestackConfig.load(data.withStorageFlags(args), Map.of());
    Flarestack app = new Flarestack(config, Main.newRegistry(BuildInfo.load()), clock, BuildInfo.load());
    app.start();
    return new TestServer(app, data);
  }

  /** Polls {@code /ready} until it answers 200, failing after a deadline with the last answer. */
  public void awaitReady() {
    Poll.until("the server to answer 200 on /ready", READY_TIMEOUT, () -> {
      HttpResponse<byte[]> r = get("/ready");
      return r.statusCode() + " " + text(r).strip();
    }, answer -> answer.startsWith("200 "));
  }

  public int httpPort() {
    return app.httpPort();
  }

  public int grpcPort() {
    return app.grpcPort();
  }

  public String baseUrl() {
    return base;
  }

  /** A plaintext gRPC channel to the gRPC port (one per server, closed with it). */
  public synchronized ManagedChannel grpcChannel() {
    if (grpc == null) {
      grpc = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort()).usePlaintext()
          .maxInboundMessageSize(256 << 20).build();
    }
    return grpc;
  }

  public HttpResponse<byte[]> get(String pathAndQuery, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).GET().timeout(Duration.ofSeconds(60));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  public HttpResponse<byte[]> post(String pathAndQuery, String contentType, byte[] body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).timeout(Duration.ofSeconds(60));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** A Connect unary call with binary protobuf; fails the test unless it answers 200. */
  public <T extends Message> T connect(String path, Message request, Parser<T> parser, String... headers)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> r = post(path, "application/proto", request.toByteArray(), headers);
    if (r.statusCode() != 200) {
      throw new AssertionError(path + " answered " + r.statusCode() + ": " + text(r));
    }
    try {
      return parser.parseFrom(r.body());
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(path + " answered an unparsable body", e);
    }
  }

  public static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    synchronized (this) {
      if (grpc != null) {
        grpc.shutdownNow();
      }
    }
    app.stop();
    data.close();
  }
}
