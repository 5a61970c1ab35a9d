package io.flarestack.kv.memberlist;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * The waits between join attempts, as dskit's backoff computes them: the first is drawn from
 * [{@code min}, 2 × {@code min}), and each next range doubles both bounds (each capped at
 * {@code max}) until the upper bound reaches {@code max}; later waits stay in that last range (or
 * are exactly {@code min} when {@code min >= max}). Not thread-safe: one instance per join.
 */
final class JoinBackoff {
  private final long maxMillis;
  private final RandomGenerator random;
  private long lowMillis;
  private long highMillis;

  JoinBackoff(Duration min, Duration max, RandomGenerator random) {
    this.maxMillis = max.toMillis();
    this.random = requireNonNull(random, "random is null");
    this.lowMillis = min.toMillis();
    this.highMillis = doubled(lowMillis);
  }

  /** The wait before the next attempt. */
  Duration next() {
    if (lowMillis >= highMillis) {
      return Duration.ofMillis(lowMillis);
    }
    long wait = lowMillis + random.nextLong(highMillis - lowMillis);
    if (highMillis < maxMillis) {
      lowMillis = doubled(lowMillis);
      highMillis = doubled(highMillis);
    }
    return Duration.ofMillis(wait);
  }

  private long doubled(long millis) {
    return Math.min(maxMillis, millis > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : millis * 2);
  }
}
