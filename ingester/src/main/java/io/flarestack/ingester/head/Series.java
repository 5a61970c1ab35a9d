package io.flarestack.ingester.head;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.model.Labels;
import io.flarestack.common.model.ProfileType;
import java.util.Arrays;

/**
 * One stored series: one profile type of one label set, with its profile rows. Its symbols live
 * in the partition of its service. Rows are appended under a per-series lock (concurrent pushes
 * to the same series serialise only here, and only for the append itself) and read through
 * {@link #rows()} without locking. Thread-safe.
 */
public final class Series {
  private final int id;
  private final Labels labels;
  private final ProfileType profileType;
  private final SymbolPartition partition;
  private final DeltaState delta; // null unless the series is cumulative
  private final Object appendLock = new Object();
  private final AppendOnlyList<ProfileRow> rows = new AppendOnlyList<>(16);
  // Written before the row count is published (see AppendOnlyList), monotonic, so a reader
  // that reads them after taking a rows snapshot gets bounds that cover that snapshot.
  private volatile long minTimeNanos = Long.MAX_VALUE;
  private volatile long maxTimeNanos = Long.MIN_VALUE;
  private volatile long period;

  /**
   * @param delta the tenant's delta state of this label set when the series is cumulative, else null
   */
  Series(int id, Labels labels, ProfileType profileType, SymbolPartition partition, DeltaState delta) {
    this.id = id;
    this.labels = requireNonNull(labels, "labels is null");
    this.profileType = requireNonNull(profileType, "profileType is null");
    this.partition = requireNonNull(partition, "partition is null");
    this.delta = delta;
  }

  /** Dense id within the tenant head, in creation order. */
  public int id() {
    return id;
  }

  /** All labels, the ingester-added ones ({@code __profile_type__}, ...) included. */
  public Labels labels() {
    return labels;
  }

  public ProfileType profileType() {
    return profileType;
  }

  public SymbolPartition partition() {
    return partition;
  }

  /** Whether the head stores differences of cumulative pushes for this series. */
  public boolean cumulative() {
    return delta != null;
  }

  /** The pprof {@code period} of the latest profile (0 before the first). */
  public long period() {
    return period;
  }

  /** A snapshot of the rows; never blocks. */
  public SeriesRows rows() {
    AppendOnlyList.View<ProfileRow> view = rows.view();
    if (view.size() == 0) {
      return SeriesRows.EMPTY;
    }
    return new SeriesRows(view, minTimeNanos, maxTimeNanos);
  }

  /**
   * Appends one profile's column, applying the server-side delta for cumulative series.
   *
   * @return the stored row, or null when the delta rule dropped the profile
   */
  ProfileRow append(long timeNanos, String profileId, long profilePeriod, SampleMerger.Column column) {
    synchronized (appendLock) {
      SampleMerger.Column c = column;
      if (delta != null) {
        c = deltaColumn(column);
        if (c == null) {
          return null;
        }
      }
      ProfileRow row = new ProfileRow(timeNanos, profileId, c.stacks(), c.values(), c.spans(), c.total());
      period = profilePeriod;
      if (timeNanos < minTimeNanos) {
        minTimeNanos = timeNanos;
      }
      if (timeNanos > maxTimeNanos) {
        maxTimeNanos = timeNanos;
      }
      rows.add(row);
      return row;
    }
  }

  private SampleMerger.Column deltaColumn(SampleMerger.Column column) {
    int[] stacks = column.stacks();
    long[] values = column.values();
    if (column.spans() != null) {
      // Cumulative profiles are keyed by stack alone: fold span-split samples together.
      int n = 0;
      int[] s = new int[stacks.length];
      long[] v = new long[stacks.length];
      for (int i = 0; i < stacks.length; i++) {
        if (n > 0 && s[n - 1] == stacks[i]) {
          v[n - 1] += values[i];
        } else {
          s[n] = stacks[i];
          v[n++] = values[i];
        }
      }
      stacks = Arrays.copyOf(s, n);
      values = Arrays.copyOf(v, n);
    }
    // The state is keyed by stack content, in key order; map there and back.
    long[] keys = partition.stackKeys(stacks);
    Integer[] order = new Integer[keys.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    long[] k = keys;
    Arrays.sort(order, (a, b) -> Long.compare(k[a], k[b]));
    long[] sortedKeys = new long[keys.length];
    long[] sortedValues = new long[keys.length];
    int unique = 0;
    for (int i = 0; i < order.length; i++) {
      int o = order[i];
      if (unique > 0 && sortedKeys[unique - 1] == keys[o]) {
        sortedValues[unique - 1] += values[o]; // two ids, one content: impossible unless the hash collides
      } else {
        sortedKeys[unique] = keys[o];
        sortedValues[unique++] = values[o];
      }
    }
    long[] byKey = delta.apply(Arrays.copyOf(sortedKeys, unique), Arrays.copyOf(sortedValues, unique));
    if (byKey == null) {
      return null;
    }
    long[] deltas = new long[stacks.length];
    int u = -1;
    long prevKey = 0;
    for (int i = 0; i < order.length; i++) {
      int o = order[i];
      if (u < 0 || keys[o] != prevKey) {
        u++;
        prevKey = keys[o];
        deltas[o] = byKey[u];
      }
    }
    int nonZero = 0;
    for (long d : deltas) {
      if (d != 0) {
        nonZero++;
      }
    }
    int[] outStacks = new int[nonZero];
    long[] outValues = new long[nonZero];
    long total = 0;
    int j = 0;
    for (int i = 0; i < deltas.length; i++) {
      if (deltas[i] != 0) {
        outStacks[j] = stacks[i];
        outValues[j++] = deltas[i];
        total += deltas[i];
      }
    }
    return new SampleMerger.Column(outStacks, outValues, null, total, false);
  }
}
