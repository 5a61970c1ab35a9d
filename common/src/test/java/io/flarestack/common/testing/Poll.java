package io.flarestack.common.testing;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * The one way tests wait for something another thread or process does: call a probe, and until
 * its value is accepted, park the thread for an interval (never spin: on a two-core box a spinning
 * waiter takes a core from the server it waits for) and try again, until a deadline. A timeout
 * fails with an {@link AssertionError} that says what was awaited, for how long, and the last value
 * the probe returned.
 *
 * <p>The probe runs on the calling thread. An unchecked exception or error from it ends the wait
 * at once and propagates as is (a probe that may fail transiently returns a value saying so
 * instead); a checked exception is wrapped in an {@link AssertionError} naming what was awaited.
 * An interrupt ends the wait with an {@link AssertionError} and keeps the thread's interrupt flag.
 * Stateless and thread-safe.
 */
public final class Poll {
  /** The pause between two polls unless a caller gives another one. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(10);

  private Poll() {}

  /**
   * Polls {@code probe} every {@link #DEFAULT_INTERVAL} until {@code accept} takes its value.
   *
   * @param what what is awaited, for the failure message, e.g. "the server to answer /ready"
   * @return the accepted value
   * @throws AssertionError when the deadline passes first (with the last value seen)
   */
  public static <T> T until(String what, Duration timeout, Callable<T> probe, Predicate<? super T> accept) {
    return until(what, timeout, DEFAULT_INTERVAL, probe, accept);
  }

  /** Polls {@code condition} every {@link #DEFAULT_INTERVAL} until it is true. */
  public static void until(String what, Duration timeout, Callable<Boolean> condition) {
    until(what, timeout, DEFAULT_INTERVAL, condition, Boolean.TRUE::equals);
  }

  /**
   * As {@link #until(String, Duration, Callable, Predicate)}, parking {@code interval} between
   * polls (for probes that are expensive, or that measure what happened since the last poll).
   */
  public static <T> T until(String what, Duration timeout, Duration interval, Callable<T> probe,
      Predicate<? super T> accept) {
    requireNonNull(what, "what is null");
    requireNonNull(probe, "probe is null");
    requireNonNull(accept, "accept is null");
    if (timeout.isNegative() || interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("bad timeout " + timeout + " or interval " + interval);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T value = call(what, probe);
      if (accept.test(value)) {
        return value;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError("timed out after " + format(timeout) + " waiting for " + what
            + "; the last value seen was " + value);
      }
      pause(Math.min(interval.toNanos(), Math.max(1, deadline - System.nanoTime())), what);
    }
  }

  private static <T> T call(String what, Callable<T> probe) {
    try {
      return probe.call();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + what, e);
    } catch (Exception e) {
      throw new AssertionError("the probe failed while waiting for " + what + ": " + e, e);
    }
  }

  /** Parks for at least {@code nanos} (parkNanos may return early, spuriously). */
  private static void pause(long nanos, String what) {
    long end = System.nanoTime() + nanos;
    for (long left = nanos; left > 0; left = end - System.nanoTime()) {
      LockSupport.parkNanos(left);
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what);
      }
    }
  }

  private static String format(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
