package io.flarestack.querier.admission;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.cancel.Cancellation;
import io.flarestack.common.cancel.QueryCancelledException;
import io.flarestack.common.config.ValueTypes;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.querier.QuerierConfig;
import io.grpc.Context;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Bounds the queries running at once. A query that finds every slot taken waits in a FIFO queue
 * of bounded length, for a bounded time, and while its context is not cancelled; a slot freed by
 * a query that ends goes to the longest waiting one. Beyond the queue, or after the wait, the
 * query is rejected with {@code resource_exhausted} (HTTP 429) naming the limit and its flag.
 *
 * <p>Metrics (Pyroscope's query-scheduler names, under {@code pyroscope_querier_}):
 * {@code pyroscope_querier_queries_in_progress} and {@code pyroscope_querier_queue_length}
 * (gauges), {@code pyroscope_querier_discarded_requests_total{reason="queue_full"|"queue_timeout"}}
 * (rejected with 429), {@code pyroscope_querier_cancelled_requests_total} (left the queue because
 * their context was cancelled: client gone or deadline passed) and
 * {@code pyroscope_querier_queue_duration_seconds} (time to a slot, for queries that got one).
 *
 * <p>Thread-safe. Waiting blocks the calling thread.
 */
public final class ConcurrencyLimiter {
  private final int maxRunning;
  private final int maxQueued;
  private final Duration maxWait;
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>(); // guarded by this
  private int running; // guarded by this
  private final Counter rejectedFull;
  private final Counter rejectedTimeout;
  private final Counter cancelled;
  private final Timer queueDuration;

  /**
   * @param maxRunning queries running at once, at least 1
   * @param maxQueued queries that may wait, at least 0
   * @param maxWait the longest one waits, positive
   */
  public ConcurrencyLimiter(int maxRunning, int maxQueued, Duration maxWait, MeterRegistry registry) {
    if (maxRunning < 1 || maxQueued < 0) {
      throw new IllegalArgumentException(
          "maxRunning must be >= 1 and maxQueued >= 0, got " + maxRunning + " and " + maxQueued);
    }
    this.maxRunning = maxRunning;
    this.maxQueued = maxQueued;
    this.maxWait = requireNonNull(maxWait, "maxWait is null");
    if (maxWait.isNegative() || maxWait.isZero()) {
      throw new IllegalArgumentException("maxWait must be positive, got " + maxWait);
    }
    requireNonNull(registry, "registry is null");
    Gauge.builder("pyroscope.querier.queries.in.progress", this, ConcurrencyLimiter::running)
        .description("Queries running in this querier (at most -querier.max-concurrent).").register(registry);
    Gauge.builder("pyroscope.querier.queue.length", this, ConcurrencyLimiter::queued)
        .description("Queries waiting for a running one to end (at most -querier.max-queued-queries).")
        .register(registry);
    rejectedFull = discarded(registry, "queue_full");
    rejectedTimeout = discarded(registry, "queue_timeout");
    cancelled = Counter.builder("pyroscope.querier.cancelled.requests")
        .description("Queued queries whose context was cancelled (client gone or deadline passed) before they ran.")
        .register(registry);
    queueDuration = Timer.builder("pyroscope.querier.queue.duration")
        .description("Time queries waited for a slot before running.").register(registry);
  }

  /** A limiter with the configured limits. */
  public ConcurrencyLimiter(QuerierConfig config, MeterRegistry registry) {
    this(config.maxConcurrent(), config.maxQueued(), config.maxQueueWait(), registry);
  }

  private static Counter discarded(MeterRegistry registry, String reason) {
    return Counter.builder("pyroscope.querier.discarded.requests").tag("reason", reason)
        .description("Queries rejected with 429 because the querier was busy: the queue was full, or no slot "
            + "freed in time.")
        .register(registry);
  }

  /** A slot held by one query; closing it (once or more) frees the slot. */
  public interface Permit extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Takes a slot, waiting in the queue when none is free.
   *
   * @param context the query's context: the wait ends when it is cancelled (its deadline included)
   * @throws FlarestackException resource_exhausted when the queue is full or no slot frees within
   *     the maximum wait
   * @throws QueryCancelledException when {@code context} is cancelled
   *     first (also when the thread is interrupted: then with status CANCELLED)
   */
  public Permit acquire(Context context) {
    requireNonNull(context, "context is null");
    Cancellation.of(context).checkNow();
    Waiter w;
    synchronized (this) {
      if (running < maxRunning && queue.isEmpty()) {
        running++;
        return new Slot();
      }
      if (queue.size() >= maxQueued) {
        rejectedFull.increment();
        throw FlarestackException.resourceExhausted(
            "too many queries: %d running (the limit, -querier.max-concurrent=%d) and %d waiting (the limit, "
                + "-querier.max-queued-queries=%d); retry later",
            running, maxRunning, queue.size(), maxQueued);
      }
      w = new Waiter();
      queue.addLast(w);
    }
    long start = System.nanoTime();
    Context.CancellationListener onCancel = c -> w.outcome.complete(false);
    context.addListener(onCancel, Runnable::run);
    boolean granted;
    boolean interrupted = false;
    try {
      granted = w.outcome.get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      granted = false;
    } catch (InterruptedException e) {
      interrupted = true;
      granted = false;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e); // never completed exceptionally
    } finally {
      context.removeListener(onCancel);
    }
    if (!granted && !w.outcome.complete(false)) {
      granted = w.outcome.join(); // a slot arrived at the same time as the timeout or cancellation
    }
    if (granted) {
      if (!context.isCancelled() && !interrupted) {
        queueDuration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        return new Slot();
      }
      release(); // handed over too late: pass it on
    } else {
      synchronized (this) {
        queue.remove(w);
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
      cancelled.increment();
      throw new QueryCancelledException(
          Status.CANCELLED.withDescription("the query was interrupted while waiting for a slot"));
    }
    if (context.isCancelled()) {
      cancelled.increment();
      Cancellation.of(context).checkNow();
    }
    rejectedTimeout.increment();
    throw FlarestackException.resourceExhausted(
        "too many queries: all %d query slots (-querier.max-concurrent) stayed busy for %s, the longest a query "
            + "waits (-querier.max-queue-wait); retry later",
        maxRunning, ValueTypes.formatDuration(maxWait));
  }

  /** Queries running now. */
  public synchronized int running() {
    return running;
  }

  /** Queries waiting now. */
  public synchronized int queued() {
    return queue.size();
  }

  /** Gives the slot to the longest waiting query that still wants it, or frees it. */
  private void release() {
    while (true) {
      Waiter next;
      synchronized (this) {
        next = queue.pollFirst();
        if (next == null) {
          running--;
          return;
        }
      }
      if (next.outcome.complete(true)) {
        return; // the slot passes on: running stays the same
      }
    }
  }

  private final class Slot implements Permit {
    private boolean closed; // guarded by ConcurrencyLimiter.this

    @Override
    public void close() {
      synchronized (ConcurrencyLimiter.this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      release();
    }
  }

  /** A queued query: completed true when it gets a slot, false when it gives up (first wins). */
  private static final class Waiter {
    final CompletableFuture<Boolean> outcome = new CompletableFuture<>();
  }
}
