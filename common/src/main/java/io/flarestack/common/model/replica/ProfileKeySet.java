package io.flarestack.common.model.replica;

import io.flarestack.api.ingester.v1.ProfileKeys;
import io.flarestack.common.errors.FlarestackException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A sorted multiset of profile keys: (series fingerprint, time in nanoseconds), ordered by
 * fingerprint (signed) then time, a profile held twice present twice. The unit of replica
 * de-duplication: with replication factor 3 the same profile sits in three ingesters (and,
 * once flushed, in three blocks) under the same key. Immutable and thread-safe.
 */
public final class ProfileKeySet {
  public static final ProfileKeySet EMPTY = new ProfileKeySet(new long[0], new int[1], new long[0]);

  private final long[] fingerprints; // distinct, ascending
  private final int[] offsets; // fingerprints.length + 1 entries: the keys of fingerprint i are [offsets[i], offsets[i+1])
  private final long[] times; // ascending within a fingerprint

  private ProfileKeySet(long[] fingerprints, int[] offsets, long[] times) {
    this.fingerprints = fingerprints;
    this.offsets = offsets;
    this.times = times;
  }

  /** Number of keys, duplicates included. */
  public int size() {
    return times.length;
  }

  public boolean isEmpty() {
    return times.length == 0;
  }

  int fingerprintCount() {
    return fingerprints.length;
  }

  long fingerprint(int f) {
    return fingerprints[f];
  }

  int start(int f) {
    return offsets[f];
  }

  int end(int f) {
    return offsets[f + 1];
  }

  long time(int k) {
    return times[k];
  }

  /**
   * The keys of one series, for {@link #contains(Range, long)}: an empty range when the
   * fingerprint has none.
   */
  public Range range(long fingerprint) {
    int f = Arrays.binarySearch(fingerprints, fingerprint);
    return f < 0 ? Range.NONE : new Range(offsets[f], offsets[f + 1]);
  }

  /** Whether {@code timeNanos} is among the times of {@code range}. */
  public boolean contains(Range range, long timeNanos) {
    return range.from() < range.to() && Arrays.binarySearch(times, range.from(), range.to(), timeNanos) >= 0;
  }

  /** Whether the set holds the key at least once. */
  public boolean contains(long fingerprint, long timeNanos) {
    return contains(range(fingerprint), timeNanos);
  }

  /** The keys of one fingerprint: indexes {@code [from, to)}. */
  public record Range(int from, int to) {
    static final Range NONE = new Range(0, 0);

    public boolean isEmpty() {
      return from >= to;
    }
  }

  public ProfileKeys toProto() {
    ProfileKeys.Builder b = ProfileKeys.newBuilder();
    for (int f = 0; f < fingerprints.length; f++) {
      b.addFingerprints(fingerprints[f]);
      b.addCounts(offsets[f + 1] - offsets[f]);
      long previous = 0;
      for (int k = offsets[f]; k < offsets[f + 1]; k++) {
        b.addTimes(k == offsets[f] ? times[k] : times[k] - previous);
        previous = times[k];
      }
    }
    return b.build();
  }

  /**
   * Reads a set sent by another server, checking its order.
   *
   * @throws FlarestackException invalid_argument when the lists disagree in length, the
   *     fingerprints are not ascending or a time difference is negative
   */
  public static ProfileKeySet fromProto(ProfileKeys keys) {
    int n = keys.getFingerprintsCount();
    if (keys.getCountsCount() != n) {
      throw FlarestackException.invalidArgument("profile keys: " + n + " fingerprints but " + keys.getCountsCount()
          + " counts");
    }
    long total = 0;
    for (int f = 0; f < n; f++) {
      total += Integer.toUnsignedLong(keys.getCounts(f));
    }
    if (total != keys.getTimesCount()) {
      throw FlarestackException.invalidArgument("profile keys: counts add up to " + total + " but there are "
          + keys.getTimesCount() + " times");
    }
    long[] fps = new long[n];
    int[] offsets = new int[n + 1];
    long[] times = new long[(int) total];
    int k = 0;
    for (int f = 0; f < n; f++) {
      fps[f] = keys.getFingerprints(f);
      if (f > 0 && fps[f] <= fps[f - 1]) {
        throw FlarestackException.invalidArgument("profile keys: fingerprints are not strictly ascending at " + f);
      }
      offsets[f] = k;
      int count = keys.getCounts(f);
      for (int i = 0; i < count; i++, k++) {
        long v = keys.getTimes(k);
        if (i > 0 && v < 0) {
          throw FlarestackException.invalidArgument("profile keys: negative time difference " + v);
        }
        times[k] = i == 0 ? v : times[k - 1] + v;
      }
    }
    offsets[n] = k;
    return new ProfileKeySet(fps, offsets, times);
  }

  /** Collects keys given in the set's order (fingerprint, then time). Not thread-safe. */
  static final class Appender {
    private long[] fps = new long[16];
    private int[] offsets = new int[17];
    private long[] times = new long[64];
    private int fpCount;
    private int size;

    void add(long fingerprint, long timeNanos) {
      if (fpCount == 0 || fps[fpCount - 1] != fingerprint) {
        if (fpCount == fps.length) {
          fps = Arrays.copyOf(fps, fpCount * 2);
          offsets = Arrays.copyOf(offsets, fpCount * 2 + 1);
        }
        fps[fpCount] = fingerprint;
        offsets[fpCount] = size;
        fpCount++;
      }
      if (size == times.length) {
        times = Arrays.copyOf(times, size * 2);
      }
      times[size++] = timeNanos;
    }

    ProfileKeySet build() {
      if (size == 0) {
        return EMPTY;
      }
      int[] o = Arrays.copyOf(offsets, fpCount + 1);
      o[fpCount] = size;
      return new ProfileKeySet(Arrays.copyOf(fps, fpCount), o, Arrays.copyOf(times, size));
    }
  }

  /** Collects keys in any order. Not thread-safe. */
  public static final class Builder {
    private static final class Times {
      long[] values = new long[4];
      int size;
    }

    private final Map<Long, Times> byFingerprint = new HashMap<>();
    private int size;

    public Builder add(long fingerprint, long timeNanos) {
      Times t = byFingerprint.computeIfAbsent(fingerprint, f -> new Times());
      if (t.size == t.values.length) {
        t.values = Arrays.copyOf(t.values, t.size * 2);
      }
      t.values[t.size++] = timeNanos;
      size++;
      return this;
    }

    /** Adds one key {@code count} times. */
    public Builder add(long fingerprint, long timeNanos, int count) {
      for (int i = 0; i < count; i++) {
        add(fingerprint, timeNanos);
      }
      return this;
    }

    public int size() {
      return size;
    }

    public ProfileKeySet build() {
      if (size == 0) {
        return EMPTY;
      }
      long[] fps = new long[byFingerprint.size()];
      int i = 0;
      for (long fp : byFingerprint.keySet()) {
        fps[i++] = fp;
      }
      Arrays.sort(fps);
      int[] offsets = new int[fps.length + 1];
      long[] times = new long[size];
      int k = 0;
      for (int f = 0; f < fps.length; f++) {
        offsets[f] = k;
        Times t = byFingerprint.get(fps[f]);
        System.arraycopy(t.values, 0, times, k, t.size);
        Arrays.sort(times, k, k + t.size);
        k += t.size;
      }
      offsets[fps.length] = k;
      return new ProfileKeySet(fps, offsets, times);
    }
  }
}
