package io.flarestack.common.model.flamegraph;

import io.flarestack.api.querier.v1.Level;
import io.flarestack.common.model.SampleValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects fixed-width node tuples per flame graph level in visit order. The encoders visit each
 * level right to left (depth first, right-most child first), so {@link #build} emits the tuples
 * in reverse and delta-encodes the x columns on the way. Not thread-safe.
 */
final class Levels {
  private final int width;
  private final List<long[]> levels = new ArrayList<>();
  private int[] sizes = new int[16];

  Levels(int width) {
    this.width = width;
  }

  /** Appends a 4-value tuple to {@code level}. */
  void add(int level, long v0, long v1, long v2, long v3) {
    long[] a = reserve(level);
    int o = sizes[level] - width;
    a[o] = v0;
    a[o + 1] = v1;
    a[o + 2] = v2;
    a[o + 3] = v3;
  }

  /** Appends a 7-value tuple to {@code level}. */
  void add(int level, long v0, long v1, long v2, long v3, long v4, long v5, long v6) {
    long[] a = reserve(level);
    int o = sizes[level] - width;
    a[o] = v0;
    a[o + 1] = v1;
    a[o + 2] = v2;
    a[o + 3] = v3;
    a[o + 4] = v4;
    a[o + 5] = v5;
    a[o + 6] = v6;
  }

  private long[] reserve(int level) {
    while (level >= levels.size()) {
      levels.add(new long[width * 8]);
      if (levels.size() > sizes.length) {
        sizes = Arrays.copyOf(sizes, sizes.length * 2);
      }
    }
    long[] a = levels.get(level);
    int size = sizes[level];
    if (size + width > a.length) {
      a = Arrays.copyOf(a, a.length * 2);
      levels.set(level, a);
    }
    sizes[level] = size + width;
    return a;
  }

  /**
   * The levels left to right, each x column (an offset within the tuple) rewritten as the gap
   * since the end (x + total, total being the next column) of the previous node on the level.
   */
  List<Level> build(int... xColumns) {
    List<Level> out = new ArrayList<>(levels.size());
    long[] prevEnd = new long[xColumns.length];
    for (int l = 0; l < levels.size(); l++) {
      long[] a = levels.get(l);
      Arrays.fill(prevEnd, 0);
      Level.Builder b = Level.newBuilder();
      for (int t = sizes[l] - width; t >= 0; t -= width) {
        for (int c = 0; c < width; c++) {
          long v = a[t + c];
          for (int x = 0; x < xColumns.length; x++) {
            if (xColumns[x] == c) {
              long abs = v;
              v = abs - prevEnd[x];
              prevEnd[x] = SampleValues.add(abs, a[t + c + 1]);
            }
          }
          b.addValues(v);
        }
      }
      out.add(b.build());
    }
    return out;
  }
}
