package io.flarestack.common.model.pprof;

import java.util.Arrays;

/**
 * Interns variable-length rows of longs: equal rows (same length, same values) get the same dense
 * id, in first-seen order. Rows live in one flat array, so interning allocates nothing per row.
 * Not thread-safe.
 */
final class RowTable {
  private long[] data = new long[256];
  private int dataSize;
  private int[] rowStart = new int[65];
  private int rows;
  private int[] slots = new int[128];
  private int[] slotHash = new int[128];

  RowTable() {
    Arrays.fill(slots, -1);
  }

  int size() {
    return rows;
  }

  /** The id of {@code row[0..len)}, added when new. */
  int intern(long[] row, int len) {
    int h = hash(row, len);
    int mask = slots.length - 1;
    int i = h & mask;
    while (true) {
      int id = slots[i];
      if (id < 0) {
        break;
      }
      if (slotHash[i] == h && equalsRow(id, row, len)) {
        return id;
      }
      i = (i + 1) & mask;
    }
    int id = add(row, len);
    slots[i] = id;
    slotHash[i] = h;
    if (rows * 2 > slots.length) {
      rehash();
    }
    return id;
  }

  int length(int id) {
    return rowStart[id + 1] - rowStart[id];
  }

  long get(int id, int column) {
    return data[rowStart[id] + column];
  }

  private int add(long[] row, int len) {
    if (dataSize + len > data.length) {
      data = Arrays.copyOf(data, Math.max(data.length * 2, dataSize + len));
    }
    System.arraycopy(row, 0, data, dataSize, len);
    dataSize += len;
    if (rows + 2 > rowStart.length) {
      rowStart = Arrays.copyOf(rowStart, rowStart.length * 2);
    }
    rowStart[rows + 1] = dataSize;
    return rows++;
  }

  private boolean equalsRow(int id, long[] row, int len) {
    int from = rowStart[id];
    if (rowStart[id + 1] - from != len) {
      return false;
    }
    for (int k = 0; k < len; k++) {
      if (data[from + k] != row[k]) {
        return false;
      }
    }
    return true;
  }

  private void rehash() {
    int cap = slots.length * 2;
    int[] s = new int[cap];
    int[] sh = new int[cap];
    Arrays.fill(s, -1);
    int mask = cap - 1;
    for (int i = 0; i < slots.length; i++) {
      int id = slots[i];
      if (id >= 0) {
        int j = slotHash[i] & mask;
        while (s[j] >= 0) {
          j = (j + 1) & mask;
        }
        s[j] = id;
        sh[j] = slotHash[i];
      }
    }
    slots = s;
    slotHash = sh;
  }

  private static int hash(long[] row, int len) {
    long h = 0x9E3779B97F4A7C15L ^ len;
    for (int k = 0; k < len; k++) {
      h = (h ^ row[k]) * 0xff51afd7ed558ccdL;
      h ^= h >>> 29;
    }
    h ^= h >>> 32;
    return (int) h;
  }
}
