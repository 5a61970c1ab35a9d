package io.flarestack.ingester.head;

import io.flarestack.common.query.ProfileRowView;

/**
 * One profile of one series (one sample type): its time, its samples sorted by stack id (then
 * span id) with identical (stack, span) pairs merged and zero values dropped, the precomputed
 * total, and span ids only when some sample had one. Stack ids refer to the series' symbol
 * partition. Immutable (its arrays are never written after construction and never exposed).
 */
public final class ProfileRow implements ProfileRowView {
  private final long timeNanos;
  private final String profileId;
  private final int[] stackIds;
  private final long[] values;
  private final long[] spanIds;
  private final long total;

  ProfileRow(long timeNanos, String profileId, int[] stackIds, long[] values, long[] spanIds, long total) {
    this.timeNanos = timeNanos;
    this.profileId = profileId;
    this.stackIds = stackIds;
    this.values = values;
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

  public int sampleCount() {
    return values.length;
  }

  public int stackId(int i) {
    return stackIds[i];
  }

  public long value(int i) {
    return values[i];
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
    long b = 48 + 16 + values.length * 8L;
    if (!stacksShared) {
      b += 16 + stackIds.length * 4L;
    }
    if (spanIds != null) {
      b += 16 + spanIds.length * 8L;
    }
    return b;
  }
}
