package io.flarestack.server;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.querier.v1.QuerierServiceGrpc;
import io.flarestack.api.querier.v1.QuerierServiceGrpc.QuerierServiceBlockingStub;
import io.flarestack.api.querier.v1.SelectMergeProfileRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A whole Flarestack (target all) in this JVM on free ports, as {@code Main} builds it, with a
 * gRPC querier client and an HTTP client. {@link #start} returns once {@code /ready} answers 200.
 */
final class RunningFlarestack implements AutoCloseable {
  private static final Duration READY_DEADLINE = Duration.ofSeconds(30);

  private final Flarestack app;
  private final ManagedChannel channel;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private RunningFlarestack(Flarestack app) {
    this.app = app;
    this.channel = NettyChannelBuilder.forAddress("127.0.0.1", app.grpcPort()).usePlaintext().build();
  }

  /** Starts with ports 0, the given extra flags and clock, and waits until ready. */
  static RunningFlarestack start(Clock clock, String... flags) throws Exception {
    List<String> args = new ArrayList<>(List.of("-server.http-listen-port=0", "-server.grpc-listen-port=0"));
    args.addAll(List.of(flags));
    FlarestackConfig config = FlarestackConfig.load(args, Map.of());
    BuildInfo build = BuildInfo.load();
    Flarestack app = new Flarestack(config, Main.newRegistry(build), requireNonNull(clock, "clock is null"), build);
    app.start();
    RunningFlarestack running = new RunningFlarestack(app);
    try {
      waitFor(READY_DEADLINE, "/ready answers 200", () -> running.get("/ready").statusCode() == 200);
    } catch (RuntimeException | Error e) {
      running.close();
      throw e;
    }
    return running;
  }

  int httpPort() {
    return app.httpPort();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + app.httpPort();
  }

  QuerierServiceBlockingStub querier() {
    return QuerierServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  /** SelectMergeProfile over [start, end] in milliseconds. */
  Profile selectMergeProfile(String profileType, String selector, long startMillis, long endMillis) {
    return querier().selectMergeProfile(SelectMergeProfileRequest.newBuilder().setProfileTypeID(profileType)
        .setLabelSelector(selector).setStart(startMillis).setEnd(endMillis).build());
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET().build());
  }

  HttpResponse<String> post(String pathAndQuery, String contentType, byte[] body) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Polls {@code condition} until it holds.
   *
   * @throws AssertionError when it still does not hold at the deadline
   */
  static void waitFor(Duration deadline, String what, BooleanSupplier condition) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("timed out after " + deadline + " waiting until " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
    app.stop();
  }
}
