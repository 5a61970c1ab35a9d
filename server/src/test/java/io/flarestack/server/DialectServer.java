package io.flarestack.server;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.querier.v1.QuerierServiceGrpc;
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

/**
 * The real {@link Flarestack} (target all) started in process on ephemeral ports, for tests that
 * ingest what real clients send and query it back. Profiles captured earlier carry their capture
 * time, so the server accepts any profile time ({@code -validation.reject-older-than=0}) and
 * queries any range ({@code -querier.max-query-lookback=0}); everything else is the default
 * configuration. Closing stops the server and its channels.
 */
final class DialectServer implements AutoCloseable {
  private final Flarestack flarestack;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final ManagedChannel grpc;
  private final ManagedChannel grpcOverHttp;

  private DialectServer(Flarestack flarestack) {
    this.flarestack = flarestack;
    this.grpc = NettyChannelBuilder.forAddress("127.0.0.1", flarestack.grpcPort()).usePlaintext().build();
    this.grpcOverHttp = NettyChannelBuilder.forAddress("127.0.0.1", flarestack.httpPort()).usePlaintext().build();
  }

  static DialectServer start(String... extraFlags) throws Exception {
    List<String> flags = new ArrayList<>(List.of("-server.http-listen-port=0", "-server.grpc-listen-port=0",
        "-validation.reject-older-than=0", "-querier.max-query-lookback=0"));
    flags.addAll(List.of(extraFlags));
    Flarestack f = new Flarestack(FlarestackConfig.load(flags, Map.of()), Main.newRegistry(BuildInfo.load()),
        Clock.systemUTC(), BuildInfo.load());
    f.start();
    DialectServer s = new DialectServer(f);
    s.awaitReady();
    return s;
  }

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String last = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/ready")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        return;
      }
      last = r.body();
      Thread.onSpinWait();
    }
    throw new IllegalStateException("the server did not become ready within 30 s: " + last);
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + flarestack.httpPort() + pathAndQuery);
  }

  int httpPort() {
    return flarestack.httpPort();
  }

  /** POSTs {@code body} with the given headers (name, value, name, value, ...). */
  HttpResponse<byte[]> post(String pathAndQuery, byte[] body, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** A channel to the gRPC port. */
  ManagedChannel grpc() {
    return grpc;
  }

  /** A channel speaking gRPC over h2c to the HTTP port. */
  ManagedChannel grpcOverHttp() {
    return grpcOverHttp;
  }

  QuerierServiceGrpc.QuerierServiceBlockingStub querier() {
    return QuerierServiceGrpc.newBlockingStub(grpc).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  /** SelectMergeProfile over the whole range [startMs, endMs]. */
  Profile mergeProfile(String profileType, String selector, long startMs, long endMs) {
    return querier().selectMergeProfile(SelectMergeProfileRequest.newBuilder()
        .setProfileTypeID(profileType).setLabelSelector(selector).setStart(startMs).setEnd(endMs).build());
  }

  @Override
  public void close() throws InterruptedException {
    grpc.shutdownNow();
    grpcOverHttp.shutdownNow();
    grpc.awaitTermination(10, TimeUnit.SECONDS);
    grpcOverHttp.awaitTermination(10, TimeUnit.SECONDS);
    flarestack.stop();
  }
}
