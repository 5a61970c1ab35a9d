package io.flarestack.querier.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.flarestack.common.cancel.QueryCancelledException;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.testing.Poll;
import io.grpc.Context;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConcurrencyLimiterTest {
  private static final Duration LONG = Duration.ofMinutes(5);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    threads.shutdownNow();
    timers.shutdownNow();
  }

  @Test
  void runsUpToTheLimitThenQueuesInArrivalOrder() {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter(2, 5, LONG, registry);
    ConcurrencyLimiter.Permit a = limiter.acquire(Context.ROOT);
    ConcurrencyLimiter.Permit b = limiter.acquire(Context.ROOT);
    assertThat(limiter.running()).isEqualTo(2);
    assertThat(gauge("pyroscope.querier.queries.in.progress")).isEqualTo(2);

    CompletableFuture<ConcurrencyLimiter.Permit> first = acquireAsync(limiter, Context.ROOT);
    await(() -> limiter.queued() == 1, "the first waiter to queue");
    CompletableFuture<ConcurrencyLimiter.Permit> second = acquireAsync(limiter, Context.ROOT);
    await(() -> limiter.queued() == 2, "the second waiter to queue");
    assertThat(gauge("pyroscope.querier.queue.length")).isEqualTo(2);

    a.close();
    ConcurrencyLimiter.Permit firstPermit = first.join(); // the one that came first gets the freed slot
    assertThat(limiter.queued()).isEqualTo(1);
    assertThat(second).isNotDone();
    assertThat(limiter.running()).isEqualTo(2);

    b.close();
    ConcurrencyLimiter.Permit secondPermit = second.join();
    assertThat(limiter.queued()).isZero();
    firstPermit.close();
    secondPermit.close();
    assertThat(limiter.running()).isZero();
    assertThat(registry.get("pyroscope.querier.queue.duration").timer().count()).isEqualTo(2);
  }

  @Test
  void beyondTheQueueAQueryIsRejectedWith429NamingTheLimitsAndFlags() {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter(1, 1, LONG, registry);
    ConcurrencyLimiter.Permit held = limiter.acquire(Context.ROOT);
    CompletableFuture<ConcurrencyLimiter.Permit> waiting = acquireAsync(limiter, Context.ROOT);
    await(() -> limiter.queued() == 1, "the waiter to queue");

    FlarestackException e = catchThrowableOfType(FlarestackException.class, () -> limiter.acquire(Context.ROOT));
    assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
    assertThat(e.code().httpStatus()).isEqualTo(429);
    assertThat(e).hasMessageContaining("-querier.max-concurrent=1")
        .hasMessageContaining("-querier.max-queued-queries=1");
    assertThat(discarded("queue_full")).isEqualTo(1);
    assertThat(limiter.running()).isEqualTo(1);
    assertThat(limiter.queued()).isEqualTo(1);

    held.close();
    waiting.join().close();
    assertThat(limiter.running()).isZero();
  }

  @Test
  void withoutAQueueTheSecondQueryIsRejectedAtOnce() {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter(1, 0, LONG, registry);
    try (ConcurrencyLimiter.Permit held = limiter.acquire(Context.ROOT)) {
      FlarestackException e = catchThrowableOfType(FlarestackException.class, () -> limiter.acquire(Context.ROOT));
      assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
    }
    limiter.acquire(Context.ROOT).close(); // the slot came back
  }

  @Test
  void aQueuedQueryWhoseClientLeavesIsDroppedAndDoesNotTakeTheNextSlot() {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter(1, 5, LONG, registry);
    ConcurrencyLimiter.Permit held = limiter.acquire(Context.ROOT);
    Context.CancellableContext client = Context.ROOT.withCancellation();
    CompletableFuture<ConcurrencyLimiter.Permit> gone = acquireAsync(limiter, client);
    await(() -> limiter.queued() == 1, "the waiter to queue");
    CompletableFuture<ConcurrencyLimiter.Permit> next = acquireAsync(limiter, Context.ROOT);
    await(() -> limiter.queued() == 2, "the second waiter to queue");

    client.cancel(Status.CANCELLED.withDescription("the client closed the request").asRuntimeException());
    QueryCancelledException e = cause(gone, QueryCancelledException.class);
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThat(limiter.queued()).isEqualTo(1);
    assertThat(registry.get("pyroscope.querier.cancelled.requests").counter().count()).isEqualTo(1);

    held.close();
    next.join().close(); // the slot went past the cancelled waiter
    assertThat(limiter.running()).isZero();
  }

  @Test
  void aQueuedQueryWhoseDeadlinePassesStopsWithDeadlineExceeded() {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter(1, 5, LONG, registry);
    try (ConcurrencyLimiter.Permit held = limiter.acquire(Context.ROOT)) {
      Context.CancellableContext shortDeadline = Context.ROOT.withDeadlineAfter(1, TimeUnit.MILLISECONDS, timers);
      QueryCancelledException e = catchThrowableOfType(QueryCancelledException.class,
          () -> limiter.acquire(shortDeadline));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
      assertThat(limiter.queued()).isZero();
      assertThat(limiter.running()).isEqualTo(1);
    }
    assertThat(limiter.running()).isZero();
  }

  @Test
  void waitingLongerThanTheMaximumIsRejectedWith429NamingTheWaitFlag() {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter(1, 5, Duration.ofMillis(5), registry);
    try (ConcurrencyLimiter.Permit held = limiter.acquire(Context.ROOT)) {
      FlarestackException e = catchThrowableOfType(FlarestackException.class, () -> limiter.acquire(Context.ROOT));
      assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
      assertThat(e).hasMessageContaining("-querier.max-queue-wait").hasMessageContaining("5ms")
          .hasMessageContaining("-querier.max-concurrent");
      assertThat(limiter.queued()).isZero();
      assertThat(discarded("queue_timeout")).isEqualTo(1);
    }
  }

  @Test
  void anAlreadyCancelledQueryNeverTakesASlot() {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter(1, 5, LONG, registry);
    Context.CancellableContext client = Context.ROOT.withCancellation();
    client.cancel(null);
    assertThat(catchThrowableOfType(QueryCancelledException.class, () -> limiter.acquire(client))).isNotNull();
    assertThat(limiter.running()).isZero();
  }

  @Test
  void closingAPermitTwiceFreesOneSlot() {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter(2, 0, LONG, registry);
    ConcurrencyLimiter.Permit a = limiter.acquire(Context.ROOT);
    ConcurrencyLimiter.Permit b = limiter.acquire(Context.ROOT);
    a.close();
    a.close();
    assertThat(limiter.running()).isEqualTo(1);
    ConcurrencyLimiter.Permit c = limiter.acquire(Context.ROOT);
    assertThat(catchThrowableOfType(FlarestackException.class, () -> limiter.acquire(Context.ROOT)).code())
        .isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
    b.close();
    c.close();
    assertThat(limiter.running()).isZero();
  }

  private CompletableFuture<ConcurrencyLimiter.Permit> acquireAsync(ConcurrencyLimiter limiter, Context context) {
    return CompletableFuture.supplyAsync(() -> limiter.acquire(context), threads);
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  private double discarded(String reason) {
    return registry.get("pyroscope.querier.discarded.requests").tag("reason", reason).counter().count();
  }

  private static <T extends Throwable> T cause(CompletableFuture<?> f, Class<T> type) {
    CompletionException e = catchThrowableOfType(CompletionException.class, f::join);
    assertThat(e).as("the future failed").isNotNull();
    assertThat(e.getCause()).isInstanceOf(type);
    return type.cast(e.getCause());
  }

  /** Polls until the condition holds, failing after 30 s. */
  static void await(BooleanSupplier condition, String what) {
    Poll.until(what, Duration.ofSeconds(30), condition::getAsBoolean);
  }
}
