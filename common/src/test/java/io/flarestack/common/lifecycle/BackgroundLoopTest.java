package io.flarestack.common.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BackgroundLoopTest {
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void shutdown() {
    executor.shutdownNow();
  }

  private double failures(String loop) {
    return registry.get("pyroscope.background.loop.failures").tag("loop", loop).counter().count();
  }

  @Test
  void aFailingPassIsCountedAndTheLoopGoesOnUntilItWorksAgain() throws Exception {
    AtomicInteger passes = new AtomicInteger();
    BlockingQueue<Integer> done = new LinkedBlockingQueue<>();
    CompletableFuture<Throwable> gaveUp = new CompletableFuture<>();
    BackgroundLoop loop = new BackgroundLoop("flaky", () -> {
      int n = passes.incrementAndGet();
      done.add(n);
      if (n <= 3) {
        throw new IllegalStateException("pass " + n + " broke");
      }
    }, new BackgroundLoop.Policy(Duration.ofMillis(1), Duration.ofMillis(8), Duration.ofMinutes(10)), executor,
        registry, gaveUp::complete);
    loop.start();
    for (int i = 1; i <= 5; i++) {
      assertThat(done.poll(20, TimeUnit.SECONDS)).isEqualTo(i);
    }
    loop.stop();
    assertThat(failures("flaky")).isEqualTo(3);
    assertThat(loop.consecutiveFailures()).isZero();
    assertThat(gaveUp).isNotDone();
  }

  @Test
  void passesThatKeepFailingStopTheLoopAndReachTheOwner() throws Exception {
    AtomicInteger passes = new AtomicInteger();
    CompletableFuture<Throwable> gaveUp = new CompletableFuture<>();
    BackgroundLoop loop = new BackgroundLoop("broken", () -> {
      passes.incrementAndGet();
      throw new IllegalStateException("disk gone");
    }, new BackgroundLoop.Policy(Duration.ofMillis(1), Duration.ofMillis(4), Duration.ofMillis(50)), executor,
        registry, gaveUp::complete);
    loop.start();
    Throwable last = gaveUp.get(20, TimeUnit.SECONDS);
    assertThat(last).hasMessage("disk gone");
    int after = passes.get();
    assertThat(after).isGreaterThan(1);
    assertThat(failures("broken")).isEqualTo(after);
    // No pass runs after the loop gave up: a pass scheduled now would run before this one.
    executor.submit(() -> null).get(20, TimeUnit.SECONDS);
    assertThat(passes.get()).isEqualTo(after);
  }

  @Test
  void anErrorStopsTheLoopAtOnce() throws Exception {
    CompletableFuture<Throwable> gaveUp = new CompletableFuture<>();
    BackgroundLoop loop = new BackgroundLoop("fatal", () -> {
      throw new AssertionError("impossible state");
    }, BackgroundLoop.Policy.of(Duration.ofMillis(1)), executor, registry, gaveUp::complete);
    loop.start();
    assertThat(gaveUp.get(20, TimeUnit.SECONDS)).isInstanceOf(AssertionError.class);
    assertThat(failures("fatal")).isEqualTo(1);
  }

  @Test
  void aServiceThatFailsInTheBackgroundSaysWhyWhenAskedIfHealthy() throws Exception {
    CompletableFuture<Void> failed = new CompletableFuture<>();
    AbstractService service = new AbstractService("flusher") {
      private BackgroundLoop loop;

      @Override
      protected void doStart() {
        loop = new BackgroundLoop("flusher-loop", () -> {
          throw new IllegalStateException("cannot write block");
        }, new BackgroundLoop.Policy(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ZERO), executor, registry,
            t -> {
              fail(new IllegalStateException("the flush loop stopped: " + t.getMessage(), t));
              failed.complete(null);
            });
        loop.start();
      }

      @Override
      protected void doStop() {
        loop.stop();
      }
    };
    service.start();
    failed.get(20, TimeUnit.SECONDS);
    assertThat(service.state()).isEqualTo(Service.State.FAILED);
    assertThat(service.unhealthyReason()).isEqualTo("service flusher is FAILED: the flush loop stopped: cannot write block");
  }
}
