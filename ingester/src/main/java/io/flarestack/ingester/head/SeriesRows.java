package io.flarestack.ingester.head;

/**
 * An immutable prefix of a series' profile rows, in append order (not necessarily time
 * order), with bounds on their times. The bounds may be wider than the rows seen (they can
 * include rows appended after the snapshot) but never narrower, so they are safe for pruning.
 * Thread-safe.
 */
public final class SeriesRows {
  static final SeriesRows EMPTY = new SeriesRows(null, Long.MAX_VALUE, Long.MIN_VALUE);

  private final AppendOnlyList.View<ProfileRow> rows;
  private final long minTimeNanos;
  private final long maxTimeNanos;

  SeriesRows(AppendOnlyList.View<ProfileRow> rows, long minTimeNanos, long maxTimeNanos) {
    this.rows = rows;
    this.minTimeNanos = minTimeNanos;
    this.maxTimeNanos = maxTimeNanos;
  }

  public int count() {
    return rows == null ? 0 : rows.size();
  }

  public ProfileRow row(int i) {
    if (rows == null) {
      throw new IndexOutOfBoundsException("index " + i + " of 0");
    }
    return rows.get(i);
  }

  /** A lower bound of the row times; {@link Long#MAX_VALUE} when there are no rows. */
  public long minTimeNanos() {
    return minTimeNanos;
  }

  /** An upper bound of the row times; {@link Long#MIN_VALUE} when there are no rows. */
  public long maxTimeNanos() {
    return maxTimeNanos;
  }

  /** Whether some row's time lies in {@code [fromNanos, toNanos]}. */
  public boolean anyInRange(long fromNanos, long toNanos) {
    int n = count();
    if (n == 0 || maxTimeNanos < fromNanos || minTimeNanos > toNanos) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      long t = rows.get(i).timeNanos();
      if (t >= fromNanos && t <= toNanos) {
        return true;
      }
    }
    return false;
  }
}
