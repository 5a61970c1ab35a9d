package io.flarestack.common.model.flamegraph;

import io.flarestack.common.model.tree.SortedTree;
import java.util.Arrays;

/**
 * Two trees aligned to one shape for a diff: node {@code c} pairs a left and a right node of the
 * same path (either may be absent, -1), children of a node are contiguous and in name order.
 * Nodes are numbered breadth first with the root at 0. Names are the shared ranks of {@link
 * io.flarestack.common.model.tree.NameOrder#sharedRanks}.
 */
final class Aligned {
  final SortedTree left;
  final SortedTree right;
  final int[] leftNode;
  final int[] rightNode;
  final int[] name;
  final int[] childStart;
  final int[] childCount;
  final int size;
  final int nameCount;

  private Aligned(
      SortedTree left,
      SortedTree right,
      int[] leftNode,
      int[] rightNode,
      int[] name,
      int[] childStart,
      int[] childCount,
      int size,
      int nameCount) {
    this.left = left;
    this.right = right;
    this.leftNode = leftNode;
    this.rightNode = rightNode;
    this.name = name;
    this.childStart = childStart;
    this.childCount = childCount;
    this.size = size;
    this.nameCount = nameCount;
  }

  static Aligned of(SortedTree left, SortedTree right, int[] leftRanks, int[] rightRanks) {
    int cap = left.liveNodes() + right.liveNodes() + 1;
    int[] ln = new int[cap];
    int[] rn = new int[cap];
    int[] name = new int[cap];
    int[] start = new int[cap];
    int[] count = new int[cap];
    int nameCount = 0;
    for (int r : leftRanks) {
      nameCount = Math.max(nameCount, r + 1);
    }
    for (int r : rightRanks) {
      nameCount = Math.max(nameCount, r + 1);
    }
    int size = 1;
    // Breadth first: the queue is the output arrays themselves, so siblings end up contiguous.
    for (int c = 0; c < size; c++) {
      start[c] = size;
      int l = ln[c];
      int r = rn[c];
      int nl = l >= 0 ? left.childCount(l) : 0;
      int nr = r >= 0 ? right.childCount(r) : 0;
      int i = 0;
      int j = 0;
      while (i < nl || j < nr) {
        int li = i < nl ? left.child(l, i) : -1;
        int rj = j < nr ? right.child(r, j) : -1;
        int lr = li >= 0 ? leftRanks[left.nameId(li)] : Integer.MAX_VALUE;
        int rr = rj >= 0 ? rightRanks[right.nameId(rj)] : Integer.MAX_VALUE;
        if (lr == rr) {
          ln[size] = li;
          rn[size] = rj;
          name[size++] = lr;
          i++;
          j++;
        } else if (lr < rr) {
          ln[size] = li;
          rn[size] = -1;
          name[size++] = lr;
          i++;
        } else {
          ln[size] = -1;
          rn[size] = rj;
          name[size++] = rr;
          j++;
        }
      }
      count[c] = size - start[c];
    }
    return new Aligned(
        left,
        right,
        Arrays.copyOf(ln, size),
        Arrays.copyOf(rn, size),
        name,
        start,
        count,
        size,
        nameCount);
  }

  long leftTotal(int c) {
    return leftNode[c] >= 0 ? left.total(leftNode[c]) : 0;
  }

  long leftSelf(int c) {
    return leftNode[c] >= 0 ? left.self(leftNode[c]) : 0;
  }

  long rightTotal(int c) {
    return rightNode[c] >= 0 ? right.total(rightNode[c]) : 0;
  }

  long rightSelf(int c) {
    return rightNode[c] >= 0 ? right.self(rightNode[c]) : 0;
  }

  String nameString(int c) {
    return leftNode[c] >= 0 ? left.name(leftNode[c]) : right.name(rightNode[c]);
  }
}
