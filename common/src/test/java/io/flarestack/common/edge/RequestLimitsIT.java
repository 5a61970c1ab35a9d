package io.flarestack.common.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.querier.v1.ProfileTypesRequest;
import io.flarestack.api.querier.v1.ProfileTypesResponse;
import io.flarestack.api.querier.v1.QuerierServiceGrpc;
import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.io.MemoryBudget;
import io.flarestack.common.testing.Poll;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The limits of the HTTP edge that are not about one request's size: the memory requests in flight
 * may hold together ({@code -server.max-inflight-request-bytes}), and the read deadlines for a
 * request's headers and body ({@code -server.http-read-header-timeout}, {@code -server.http-read-timeout}).
 */
@Timeout(120)
class RequestLimitsIT {
  private static final int BUDGET = 1 << 20;

  @Test
  void requestsInFlightShareTheMemoryBudget() throws Exception {
    ServerConfig config = TestServer.config(false, 64 << 20).withMaxInflightRequestBytes(BUDGET);
    Semaphore entered = new Semaphore(0);
    CompletableFuture<Void> release = new CompletableFuture<>();
    try (TestServer t = TestServer.start(config).route("POST", "/hold", r -> {
      entered.release();
      release.get(60, TimeUnit.SECONDS);
      return HttpResponse.text(200, Integer.toString(r.body().length));
    })) {
      Http http = new Http();
      byte[] body = new byte[600 << 10];
      CompletableFuture<java.net.http.HttpResponse<byte[]>> held = CompletableFuture.supplyAsync(() -> {
        try {
          return http.post(t.uri("/hold"), "application/octet-stream", body);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertThat(entered.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
      assertThat(t.server.requestMemory().used()).isEqualTo(body.length);

      // Another 600 KiB does not fit next to the first: retry later.
      var busy = http.post(t.uri("/hold"), "application/octet-stream", body);
      ConnectIT.assertError(busy, 429, "resource_exhausted", "retry later");
      assertThat(new String(busy.body())).contains(MemoryBudget.FLAG);
      // More than the whole budget can never fit.
      var never = http.post(t.uri("/hold"), "application/octet-stream", new byte[BUDGET + 1]);
      ConnectIT.assertError(never, 413, "resource_exhausted", "more than the server allows one request");

      release.complete(null);
      assertThat(held.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      awaitZero(t.server.requestMemory());
      var again = http.post(t.uri("/hold"), "application/octet-stream", body);
      assertThat(again.statusCode()).isEqualTo(200);
      awaitZero(t.server.requestMemory());
    }
  }

  @Test
  void stalledHeadersAndBodiesGet408AndIdleKeepAliveConnectionsStayOpen() throws Exception {
    ServerConfig config = TestServer.config(false, 1 << 20).withReadTimeouts(Duration.ofMillis(400), Duration.ZERO);
    try (TestServer t = TestServer.start(config)
        .route("POST", "/echo", r -> HttpResponse.text(200, Integer.toString(r.body().length)))) {
      int port = t.server.httpPort();
      try (RawHttp1 keepAlive = new RawHttp1(port)) {
        keepAlive.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
        assertThat(keepAlive.read().text()).isEqualTo("3");

        // Headers that never end: 408 naming the header timeout, then the connection closes.
        try (RawHttp1 headers = new RawHttp1(port)) {
          headers.write("POST /echo HTTP/1.1\r\nHost: x\r\nX-Slow: 1");
          RawHttp1.Response r = headers.read();
          assertThat(r.status()).isEqualTo(408);
          assertThat(r.text()).contains("deadline_exceeded").contains("-server.http-read-header-timeout");
          assertThat(headers.closedByServer()).isTrue();
        }
        // A body that stops short: 408 naming the read timeout.
        try (RawHttp1 body = new RawHttp1(port)) {
          body.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
          RawHttp1.Response r = body.read();
          assertThat(r.status()).isEqualTo(408);
          assertThat(r.text()).contains("10 bytes came").contains("-server.http-read-timeout");
          assertThat(body.closedByServer()).isTrue();
        }
        // Those deadlines have passed for the idle keep-alive connection too, which still serves.
        keepAlive.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nde");
        assertThat(keepAlive.read().text()).isEqualTo("2");
      }
    }
  }

  @Test
  void http2StreamsThatStallTheirBodyGet408() throws Exception {
    ServerConfig config = TestServer.config(false, 1 << 20).withReadTimeouts(Duration.ofMillis(400), Duration.ZERO);
    try (TestServer t = TestServer.start(config)) {
      // A gRPC client on the HTTP port (h2c) that sends a message but never ends its stream.
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", t.server.httpPort()).usePlaintext().build();
      try {
        ClientCall<ProfileTypesRequest, ProfileTypesResponse> call = channel.newCall(
            QuerierServiceGrpc.getProfileTypesMethod(), CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
        CompletableFuture<Status> closed = new CompletableFuture<>();
        call.start(new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.complete(status);
          }
        }, new Metadata());
        call.request(1);
        call.sendMessage(ProfileTypesRequest.getDefaultInstance());
        Status status = closed.get(30, TimeUnit.SECONDS);
        // grpc-java reports an HTTP error status as such; 408 is the body deadline's answer.
        assertThat(status.getCode()).isNotEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(status.getDescription()).contains("408");
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private static void awaitZero(MemoryBudget budget) {
    Poll.until("the in-flight memory to be back to 0 bytes", Duration.ofSeconds(20), budget::used, used -> used == 0);
  }
}
