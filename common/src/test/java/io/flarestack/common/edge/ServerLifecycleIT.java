package io.flarestack.common.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.lifecycle.Service;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.BindException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Start failures, stop before start, and idle connections. */
@Timeout(120)
class ServerLifecycleIT {
  @Test
  void aTakenPortFailsStartAndReleasesEverything() throws Exception {
    try (TestServer first = TestServer.start(false)) {
      ServerConfig clash = new ServerConfig("127.0.0.1", first.server.httpPort(), "127.0.0.1", 0, 1 << 20, 1 << 20,
          Duration.ofSeconds(5), Duration.ofMinutes(2), false, 1 << 20, Duration.ofSeconds(30), Duration.ZERO, 0);
      Server second = new Server(clash, new SimpleMeterRegistry(), "clash-" + UUID.randomUUID());
      assertThatThrownBy(second::start).isInstanceOf(BindException.class);
      assertThat(second.state()).isEqualTo(Service.State.FAILED);
      // The first server is unaffected.
      assertThat(new Http().post(first.uri("/grpc.health.v1.Health/Check"), "application/json", "{}".getBytes()).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void stopBeforeStartTerminatesWithoutPorts() {
    Server s = new Server(ServerConfig.defaults(), new SimpleMeterRegistry(), "never-" + UUID.randomUUID());
    assertThat(s.httpPort()).isEqualTo(-1);
    assertThat(s.grpcPort()).isEqualTo(-1);
    s.stop();
    assertThat(s.state()).isEqualTo(Service.State.TERMINATED);
  }

  @Test
  void idleConnectionsCloseButBusyOnesAreServed() throws Exception {
    ServerConfig config = new ServerConfig("127.0.0.1", 0, "127.0.0.1", 0, 1 << 20, 1 << 20, Duration.ofSeconds(5),
        Duration.ofMillis(300), false, 1 << 20, Duration.ofSeconds(30), Duration.ZERO, 0);
    Semaphore entered = new Semaphore(0);
    CompletableFuture<Void> release = new CompletableFuture<>();
    try (TestServer t = TestServer.start(config).route("GET", "/slow", r -> {
      entered.release();
      release.get(30, TimeUnit.SECONDS);
      return HttpResponse.text(200, "done");
    })) {
      try (RawHttp1 busy = new RawHttp1(t.server.httpPort())) {
        busy.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(entered.tryAcquire(20, TimeUnit.SECONDS)).isTrue();
        try (RawHttp1 idle = new RawHttp1(t.server.httpPort())) {
          // Opened after the busy one, so when it is closed as idle the busy one has been silent longer.
          assertThat(idle.closedByServer()).isTrue();
        }
        release.complete(null);
        RawHttp1.Response r = busy.read();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("done");
        assertThat(busy.closedByServer()).isTrue(); // and then it is idle
      }
    }
  }
}
