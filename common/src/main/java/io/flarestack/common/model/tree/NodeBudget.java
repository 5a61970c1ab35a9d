package io.flarestack.common.model.tree;

import static java.util.Objects.requireNonNull;

/**
 * Pyroscope's node budget rule ({@code max_nodes}), shared by flame graphs, diffs and tree
 * bytes: when there are more than {@code maxNodes} nodes, a node is kept only when its total is
 * at least the {@code maxNodes}-th largest total; the rest are folded into {@code other}. Ties
 * at the threshold keep every tied node. Stateless and thread-safe.
 */
public final class NodeBudget {
  private NodeBudget() {}

  /**
   * The smallest total a node needs to be kept: 0 (keep everything) when {@code maxNodes < 1} or
   * {@code count <= maxNodes}; otherwise the {@code maxNodes}-th largest of the first {@code
   * count} values.
   */
  public static long minTotal(long[] values, int count, long maxNodes) {
    requireNonNull(values, "values is null");
    if (maxNodes < 1 || count <= maxNodes) {
      return 0;
    }
    int k = (int) maxNodes;
    // Min-heap of the k largest values seen so far; most values fail the first comparison.
    long[] heap = new long[k];
    int size = 0;
    for (int i = 0; i < count; i++) {
      long v = values[i];
      if (size < k) {
        int j = size++;
        while (j > 0) {
          int p = (j - 1) >>> 1;
          if (heap[p] <= v) {
            break;
          }
          heap[j] = heap[p];
          j = p;
        }
        heap[j] = v;
      } else if (v > heap[0]) {
        siftDown(heap, k, v);
      }
    }
    return heap[0];
  }

  private static void siftDown(long[] heap, int size, long v) {
    int j = 0;
    while (true) {
      int l = 2 * j + 1;
      if (l >= size) {
        break;
      }
      int r = l + 1;
      int m = r < size && heap[r] < heap[l] ? r : l;
      if (heap[m] >= v) {
        break;
      }
      heap[j] = heap[m];
      j = m;
    }
    heap[j] = v;
  }
}
