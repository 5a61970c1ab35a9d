package io.flarestack.server;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.querier.v1.QuerierServiceGrpc;
import io.flarestack.api.querier.v1.SelectMergeProfileRequest;
import io.flarestack.server.testing.TestServer;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@link Flarestack} (target all) started in process on ephemeral ports, for tests that
 * ingest what real clients send and query it back: a {@link TestServer} with two flags. Profiles
 * captured earlier carry their capture time, so the server accepts any profile time
 * ({@code -validation.reject-older-than=0}) and queries any range ({@code -querier.max-query-lookback=0});
 * everything else is the default configuration. Closing stops the server and its channels.
 */
final class DialectServer implements AutoCloseable {
  private final TestServer server;
  private final ManagedChannel grpc;
  private final ManagedChannel grpcOverHttp;

  private DialectServer(TestServer server) {
    this.server = server;
    this.grpc = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
    this.grpcOverHttp = NettyChannelBuilder.forAddress("127.0.0.1", server.httpPort()).usePlaintext().build();
  }

  static DialectServer start(String... extraFlags) throws Exception {
    List<String> flags = new ArrayList<>(List.of("-validation.reject-older-than=0", "-querier.max-query-lookback=0"));
    flags.addAll(List.of(extraFlags));
    return new DialectServer(TestServer.start(flags.toArray(String[]::new)));
  }

  int httpPort() {
    return server.httpPort();
  }

  /** POSTs {@code body} with the given headers (name, value, name, value, ...). */
  HttpResponse<byte[]> post(String pathAndQuery, byte[] body, String... headers) throws IOException, InterruptedException {
    return server.post(pathAndQuery, null, body, headers);
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
    server.close();
  }
}
