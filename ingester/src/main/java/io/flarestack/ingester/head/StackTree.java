package io.flarestack.ingester.head;

import io.flarestack.common.model.tree.LongIntMap;
import java.util.Arrays;

/**
 * All stacks of a partition as a parent-pointer tree: node {@code i} is (parent node, location
 * id); node 0 is the root (the empty stack). A stack id is the index of its leaf node. Stacks
 * are inserted root-to-leaf through a (parent, location) → child map and read leaf-to-root
 * through the parent pointers. Children are always created after their parent, so
 * {@code parent[i] < i}: a forward pass visits parents first, a backward pass children first.
 * Memory grows with distinct stack prefixes only. Writer-side, guarded by the partition lock.
 */
final class StackTree {
  int[] parent = new int[1024];
  int[] location = new int[1024];
  private int size = 1;
  private final LongIntMap children = new LongIntMap(1024);

  StackTree() {
    parent[0] = -1;
    location[0] = -1;
  }

  /** Inserts the stack {@code rootFirst[0..n)} (partition location ids) and returns its id. */
  int insert(int[] rootFirst, int n) {
    int node = 0;
    for (int i = 0; i < n; i++) {
      int loc = rootFirst[i];
      long key = ((long) node << 32) | (loc & 0xffffffffL);
      int c = children.get(key);
      if (c < 0) {
        if (size == parent.length) {
          parent = Arrays.copyOf(parent, size * 2);
          location = Arrays.copyOf(location, size * 2);
        }
        c = size++;
        parent[c] = node;
        location[c] = loc;
        children.put(key, c);
      }
      node = c;
    }
    return node;
  }

  int size() {
    return size;
  }

  long estimatedBytes() {
    // Two ints per node plus the child map (a long and an int per slot, half full).
    return parent.length * 8L + children.size() * 24L;
  }
}
