package io.flarestack.common.lifecycle;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task a service runs again and again in the background (a flush, a sync, a heartbeat) that a
 * failing pass cannot kill silently, as a bare {@code scheduleWithFixedDelay} does when a pass
 * throws. Every failure is logged and counted ({@code pyroscope_background_loop_failures_total}
 * with the loop's name); the next pass comes after a backoff that doubles from the period up to
 * {@code maxBackoff}; a success resets it. When passes have failed without a success for
 * {@code giveUpAfter}, or a pass throws an {@link Error}, the loop stops and hands the failure to
 * its owner, which marks itself FAILED so that {@code /ready} answers 503 with the reason.
 *
 * <p>Passes never overlap. Thread-safe.
 */
public final class BackgroundLoop {
  private static final Logger log = LoggerFactory.getLogger(BackgroundLoop.class);

  /**
   * How a loop runs.
   *
   * @param period the delay between the end of a pass and the next
   * @param maxBackoff the longest delay after failures
   * @param giveUpAfter how long passes may keep failing before the loop stops for good
   */
  public record Policy(Duration period, Duration maxBackoff, Duration giveUpAfter) {
    public Policy {
      requireNonNull(period, "period is null");
      requireNonNull(maxBackoff, "maxBackoff is null");
      requireNonNull(giveUpAfter, "giveUpAfter is null");
      if (period.isNegative() || period.isZero()) {
        throw new IllegalArgumentException("period must be positive, got " + period);
      }
    }

    /** Backoff up to a minute (or the period when longer); give up after five minutes of failures. */
    public static Policy of(Duration period) {
      Duration max = period.compareTo(Duration.ofMinutes(1)) > 0 ? period : Duration.ofMinutes(1);
      return new Policy(period, max, Duration.ofMinutes(5));
    }
  }

  private final String name;
  private final Runnable pass;
  private final Policy policy;
  private final ScheduledExecutorService executor;
  private final Consumer<Throwable> onGiveUp;
  private final Counter failures;
  private int consecutiveFailures; // guarded by this
  private long failingSince; // System.nanoTime() of the first failure in a row; guarded by this
  private boolean stopped; // guarded by this
  private Future<?> next; // guarded by this

  /**
   * @param name the loop's name in logs and in the metric's {@code loop} label
   * @param executor runs the passes; owned by the caller
   * @param onGiveUp called once, on the loop's thread, with the last failure when the loop stops
   */
  public BackgroundLoop(String name, Runnable pass, Policy policy, ScheduledExecutorService executor,
      MeterRegistry registry, Consumer<Throwable> onGiveUp) {
    this.name = requireNonNull(name, "name is null");
    this.pass = requireNonNull(pass, "pass is null");
    this.policy = requireNonNull(policy, "policy is null");
    this.executor = requireNonNull(executor, "executor is null");
    this.onGiveUp = requireNonNull(onGiveUp, "onGiveUp is null");
    this.failures = Counter.builder("pyroscope.background.loop.failures")
        .description("Passes of a background loop (flush, sync, heartbeat) that failed.")
        .tag("loop", name)
        .register(requireNonNull(registry, "registry is null"));
  }

  /** Schedules the first pass one period from now. */
  public synchronized void start() {
    schedule(policy.period());
  }

  /** Stops scheduling passes; a pass in progress finishes. Idempotent. */
  public synchronized void stop() {
    stopped = true;
    if (next != null) {
      next.cancel(false);
    }
  }

  /** Failed passes in a row now (0 after a success). */
  public synchronized int consecutiveFailures() {
    return consecutiveFailures;
  }

  private synchronized void schedule(Duration delay) {
    if (stopped) {
      return;
    }
    try {
      next = executor.schedule(this::run, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      stopped = true; // the owner shut the executor down
    }
  }

  private void run() {
    Throwable failure = null;
    try {
      pass.run();
    } catch (Throwable t) {
      failure = t;
    }
    Duration delay;
    Throwable giveUp = null;
    synchronized (this) {
      if (failure == null) {
        if (consecutiveFailures > 0) {
          log.info("background loop {} works again after {} failed passes", name, consecutiveFailures);
        }
        consecutiveFailures = 0;
        delay = policy.period();
      } else {
        failures.increment();
        if (consecutiveFailures++ == 0) {
          failingSince = System.nanoTime();
        }
        long failingFor = System.nanoTime() - failingSince;
        log.warn("background loop {}: pass failed ({} in a row)", name, consecutiveFailures, failure);
        if (failure instanceof Error || failingFor >= policy.giveUpAfter().toNanos()) {
          stopped = true;
          giveUp = failure;
        }
        delay = backoff();
      }
    }
    if (giveUp != null) {
      log.error("background loop {} stops: its passes failed for {} without a success", name,
          Duration.ofNanos(System.nanoTime() - failingSince));
      onGiveUp.accept(giveUp);
      return;
    }
    schedule(delay);
  }

  // The period doubled for each failure in a row, at most maxBackoff.
  private Duration backoff() {
    Duration d = policy.period();
    for (int i = 1; i < consecutiveFailures && d.compareTo(policy.maxBackoff()) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(policy.maxBackoff()) > 0 ? policy.maxBackoff() : d;
  }
}
