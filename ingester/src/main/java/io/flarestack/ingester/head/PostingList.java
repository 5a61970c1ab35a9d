package io.flarestack.ingester.head;

import java.util.Arrays;

/**
 * Ascending series ids carrying one label name/value pair. Appended under the index lock, read
 * without locks: the same publication order as {@link AppendOnlyList} (array, then element,
 * then the volatile size; readers read size, then array), so a reader always sees a prefix.
 * Ids are appended in creation order, so every prefix is sorted.
 */
final class PostingList {
  private volatile int[] ids = new int[4];
  private volatile int size;

  void add(int id) {
    int[] d = ids;
    int s = size;
    if (s == d.length) {
      d = Arrays.copyOf(d, s * 2);
      ids = d;
    }
    d[s] = id;
    size = s + 1;
  }

  /**
   * The ids below {@code limit} (the series count of the index snapshot the caller works on),
   * as a fresh array the caller may keep.
   */
  int[] below(int limit) {
    int s = size;
    int[] d = ids;
    int n = s;
    // Ids ascend, so those at or above the snapshot's limit form a suffix.
    while (n > 0 && d[n - 1] >= limit) {
      n--;
    }
    return Arrays.copyOf(d, n);
  }
}
