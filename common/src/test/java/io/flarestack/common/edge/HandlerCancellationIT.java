package io.flarestack.common.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.common.edge.http.HttpResponse;
import io.grpc.Context;
import io.grpc.Status;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A plain (blocking) HTTP handler learns through its gRPC context that its client went away. */
@Timeout(120)
class HandlerCancellationIT {
  private static final CountDownLatch started = new CountDownLatch(1);
  private static final CompletableFuture<Throwable> cancelled = new CompletableFuture<>();
  private static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    t = TestServer.start(false)
        .route("GET", "/slow", r -> {
          Context.current().addListener(c -> cancelled.complete(c.cancellationCause()), Runnable::run);
          started.countDown();
          cancelled.get(60, TimeUnit.SECONDS); // like a query that runs until it is stopped
          return HttpResponse.text(200, "too late");
        })
        .route("GET", "/quick", r -> HttpResponse.text(200, Context.current().isCancelled() ? "cancelled" : "live"));
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  @Test
  void aClientThatHangsUpCancelsTheHandlersContext() throws Exception {
    try (RawHttp1 client = new RawHttp1(t.server.httpPort())) {
      client.write("GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n");
      assertThat(started.await(30, TimeUnit.SECONDS)).as("the handler started").isTrue();
      assertThat(cancelled).isNotDone();
    } // hangs up
    Throwable cause = cancelled.get(30, TimeUnit.SECONDS);
    assertThat(Status.fromThrowable(cause).getCode()).isEqualTo(Status.Code.CANCELLED);
  }

  @Test
  void aHandlerWhoseClientStaysRunsInALiveContext() throws Exception {
    try (RawHttp1 client = new RawHttp1(t.server.httpPort())) {
      client.write("GET /quick HTTP/1.1\r\nHost: localhost\r\n\r\n");
      RawHttp1.Response r = client.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("live");
    }
  }
}
