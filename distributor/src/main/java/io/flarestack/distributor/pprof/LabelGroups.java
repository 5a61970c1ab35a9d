package io.flarestack.distributor.pprof;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Numbers distinct sample-label signatures (sorted {@code key << 32 | value} string-index
 * pairs). Looking up a known signature allocates nothing. Not thread-safe.
 */
final class LabelGroups {
  private final Map<Key, Integer> ids = new HashMap<>();
  private final Key probe = new Key(new long[0], 0);
  private long[] last = new long[0];
  private int lastLength = -1;
  private int lastId = -1;

  /** The id of {@code pairs[0, n)}, or -1 when it was not added yet. */
  int find(long[] pairs, int n) {
    if (n == lastLength && Arrays.equals(pairs, 0, n, last, 0, n)) {
      return lastId;
    }
    probe.pairs = pairs;
    probe.n = n;
    probe.hash = hash(pairs, n);
    Integer id = ids.get(probe);
    probe.pairs = null;
    if (id == null) {
      return -1;
    }
    remember(pairs, n, id);
    return id;
  }

  /** Adds a signature not seen before and returns its id (ids count up from 0). */
  int add(long[] pairs, int n) {
    int id = ids.size();
    long[] copy = Arrays.copyOf(pairs, n);
    ids.put(new Key(copy, n), id);
    remember(pairs, n, id);
    return id;
  }

  private void remember(long[] pairs, int n, int id) {
    if (last.length < n) {
      last = new long[Math.max(n, last.length * 2)];
    }
    System.arraycopy(pairs, 0, last, 0, n);
    lastLength = n;
    lastId = id;
  }

  private static int hash(long[] pairs, int n) {
    long h = n;
    for (int i = 0; i < n; i++) {
      h = h * 31 + pairs[i];
    }
    return Long.hashCode(h * 0x9E3779B97F4A7C15L);
  }

  private static final class Key {
    private long[] pairs;
    private int n;
    private int hash;

    Key(long[] pairs, int n) {
      this.pairs = pairs;
      this.n = n;
      this.hash = hash(pairs, n);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.n == n && Arrays.equals(k.pairs, 0, k.n, pairs, 0, n);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
