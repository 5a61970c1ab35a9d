package io.flarestack.distributor.ratelimit;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-tenant token buckets over decompressed bytes (Pyroscope's local ingestion rate strategy):
 * a bucket holds at most {@code burst} bytes and refills at {@code rate} bytes per second; a
 * request of {@code n} bytes passes when the bucket holds at least {@code n} and then takes them.
 * A rejected request takes nothing, and a request larger than the burst never passes (as with
 * Go's {@code rate.Limiter}). Limits are read on every call, so changed tenant limits apply at
 * once. Thread-safe.
 */
public final class IngestionRateLimiter {
  private final Clock clock;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  public IngestionRateLimiter(Clock clock) {
    this.clock = requireNonNull(clock, "clock is null");
  }

  /**
   * Takes {@code bytes} from the tenant's bucket if it holds that many.
   *
   * @param bytesPerSecond refill rate; 0 or less disables the limit
   * @param burstBytes bucket capacity
   * @return whether the request may proceed
   */
  public boolean allow(String tenant, double bytesPerSecond, double burstBytes, long bytes) {
    if (bytesPerSecond <= 0) {
      return true;
    }
    long now = nanos(clock.instant());
    Bucket b = buckets.computeIfAbsent(tenant, t -> new Bucket(burstBytes, now));
    return b.take(now, bytesPerSecond, burstBytes, bytes);
  }

  private static long nanos(Instant i) {
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private static final class Bucket {
    private double tokens;
    private long last;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.last = now;
    }

    synchronized boolean take(long now, double rate, double burst, long n) {
      if (now > last) {
        tokens = Math.min(burst, tokens + (now - last) / 1e9 * rate);
        last = now;
      }
      tokens = Math.min(tokens, burst);
      if (n > tokens) {
        return false;
      }
      tokens -= n;
      return true;
    }
  }
}
