package io.flarestack.ingester.head;

import io.flarestack.storage.query.ProfileRowView;

/**
 * One profile of one series (one sample type): its time, its samples sorted by stack id (then
 * span id) with identical (stack, span) pairs merged and zero values dropped, the precomputed
 * total, and span ids only when some sample had one. Stack ids refer to the series' symbol
 * partition. Immutable (its arrays are never written after construction and never exposed).
 *
 * <p>Values are most of a head's memory (an hour of a 100-pod fleet is tens of millions of
 * samples). Most rows' values are multiples of one factor that leaves them in {@code int} range
 * (CPU time is a multiple of the sampling period; counts are small), so such a row keeps
 * {@code value / factor} in an {@code int[]}: 4 bytes per sample instead of 8, exactly.
 */
public final class ProfileRow implements ProfileRowView {
  private final long timeNanos;
  private final String profileId;
  private final int[] stackIds;
  /** The values when they do not fit {@link #scaled}; null otherwise. */
  private final long[] values;
  /** {@code value / scale} per sample when every quotient fits an int; null otherwise. */
  private final int[] scaled;
  private final long scale;
  private final long[] spanIds;
  private final long total;

  ProfileRow(long timeNanos, String profileId, int[] stackIds, long[] values, long[] spanIds, long total) {
    this.timeNanos = timeNanos;
    this.profileId = profileId;
    this.stackIds = stackIds;
    long factor = intScale(values);
    if (factor != 0) {
      int[] q = new int[values.length];
      for (int i = 0; i < q.length; i++) {
        q[i] = (int) (values[i] / factor);
      }
      this.scaled = q;
      this.scale = factor;
      this.values = null;
    } else {
      this.scaled = null;
      this.scale = 1;
      this.values = values;
    }
    this.spanIds = spanIds;
    this.total = total;
  }

  /** The profile's {@code time_nanos}. */
  public long timeNanos() {
    return timeNanos;
  }

  /** The profile UUID the distributor assigned (may be empty). */
  public String profileId() {
    return profileId;
  }

  /**
   * The greatest common divisor of the values when every value divided by it fits an int (1 when
   * all are zero or there are none), or 0 when no factor does.
   */
  static long intScale(long[] values) {
    long g = 0;
    for (long v : values) {
      if (v == Long.MIN_VALUE) {
        return 0;
      }
      g = gcd(g, Math.abs(v));
      if (g == 1) {
        break;
      }
    }
    if (g == 0) {
      return 1;
    }
    for (long v : values) {
      long q = v / g;
      if (q > Integer.MAX_VALUE || q < Integer.MIN_VALUE) {
        return 0;
      }
    }
    return g;
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  public int sampleCount() {
    return scaled != null ? scaled.length : values.length;
  }

  public int stackId(int i) {
    return stackIds[i];
  }

  public long value(int i) {
    return scaled != null ? scaled[i] * scale : values[i];
  }

  public boolean hasSpans() {
    return spanIds != null;
  }

  /** The span id of sample {@code i}, 0 when it has none. */
  public long spanId(int i) {
    return spanIds == null ? 0 : spanIds[i];
  }

  /** Sum of the values. */
  public long total() {
    return total;
  }

  /** Rough heap footprint, for the head size metric. */
  long estimatedBytes(boolean stacksShared) {
    long b = 56 + 16 + (scaled != null ? scaled.length * 4L : values.length * 8L);
    if (!stacksShared) {
      b += 16 + stackIds.length * 4L;
    }
    if (spanIds != null) {
      b += 16 + spanIds.length * 8L;
    }
    return b;
  }
}
