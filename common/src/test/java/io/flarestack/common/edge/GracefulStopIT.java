package io.flarestack.common.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.ListenableFuture;
import io.flarestack.api.querier.v1.QuerierServiceGrpc;
import io.flarestack.api.querier.v1.SelectSeriesRequest;
import io.flarestack.api.querier.v1.SelectSeriesResponse;
import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.lifecycle.Service;
import io.flarestack.common.testing.Poll;
import io.grpc.ManagedChannel;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** stop() stops accepting, lets requests in flight on every path finish, then closes. */
@Timeout(120)
class GracefulStopIT {
  private final Http http = new Http();

  @Test
  void requestsInFlightCompleteWhileStopWaits() throws Exception {
    Semaphore slowPlainEntered = new Semaphore(0);
    CompletableFuture<Void> releasePlain = new CompletableFuture<>();
    TestServer t = TestServer.start(true).route("GET", "/slow", r -> {
      slowPlainEntered.release();
      releasePlain.get(30, TimeUnit.SECONDS);
      return HttpResponse.text(200, "finished");
    });
    int httpPort = t.server.httpPort();
    ManagedChannel overHttpPort = Grpc.channel(httpPort);
    ManagedChannel overGrpcPort = Grpc.channel(t.server.grpcPort());
    try {
      // One request in flight on each path: HTTP/1.1 plain route, gRPC over h2c on the HTTP port, the gRPC port.
      CompletableFuture<java.net.http.HttpResponse<byte[]>> plain = http.client.sendAsync(
          HttpRequest.newBuilder(t.uri("/slow")).timeout(Duration.ofSeconds(60)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      ListenableFuture<SelectSeriesResponse> h2 = Grpc.withTenant(QuerierServiceGrpc.newFutureStub(overHttpPort), "a")
          .selectSeries(SelectSeriesRequest.getDefaultInstance());
      ListenableFuture<SelectSeriesResponse> grpc = Grpc.withTenant(QuerierServiceGrpc.newFutureStub(overGrpcPort), "a")
          .selectSeries(SelectSeriesRequest.getDefaultInstance());
      assertThat(slowPlainEntered.tryAcquire(20, TimeUnit.SECONDS)).isTrue();
      assertThat(t.querier.slowEntered.tryAcquire(2, 20, TimeUnit.SECONDS)).isTrue();

      CompletableFuture<Void> stopped = CompletableFuture.runAsync(t.server::stop);
      awaitRefused(httpPort);
      assertThat(t.server.state()).isEqualTo(Service.State.STOPPING);
      assertThat(stopped).isNotDone();

      releasePlain.complete(null);
      t.querier.release.complete(null);
      assertThat(plain.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(Http.text(plain.get())).isEqualTo("finished");
      assertThat(h2.get(20, TimeUnit.SECONDS)).isEqualTo(SelectSeriesResponse.getDefaultInstance());
      assertThat(grpc.get(20, TimeUnit.SECONDS)).isEqualTo(SelectSeriesResponse.getDefaultInstance());
      stopped.get(20, TimeUnit.SECONDS);
      assertThat(t.server.state()).isEqualTo(Service.State.TERMINATED);
      assertThat(t.server.inProcessChannel().isShutdown()).isTrue();
    } finally {
      releasePlain.complete(null);
      t.querier.release.complete(null);
      Grpc.close(overHttpPort);
      Grpc.close(overGrpcPort);
      t.close();
    }
  }

  /** Waits until the listener is closed (connections refused), at most 20 s. */
  private static void awaitRefused(int port) {
    Poll.until("port " + port + " to refuse connections", Duration.ofSeconds(20), () -> {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return "a connection accepted";
      } catch (ConnectException refused) {
        return "refused";
      }
    }, "refused"::equals);
  }
}
