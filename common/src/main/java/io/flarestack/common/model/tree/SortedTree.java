package io.flarestack.common.model.tree;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * A read-only view of a {@link CallTree} as Pyroscope's encoders walk it: node totals, and each
 * node's children in byte-wise name order. Node indices are the tree's own.
 *
 * <p>Two normalisations make the view match a Pyroscope tree: nodes whose total is 0 are left
 * out together with their subtrees (Pyroscope drops non-positive samples on insert, so such
 * nodes never exist there), and the root's own self value is ignored (no Pyroscope format can
 * carry it): the root total is the sum of its children's totals and its self is 0.
 *
 * <p>Immutable after construction; the underlying tree must not change while the view is used.
 */
public final class SortedTree {
  private final CallTree tree;
  private final long[] total;
  private final int[] childStart;
  private final int[] children;
  private final int liveNodes;

  private SortedTree(CallTree tree, long[] total, int[] childStart, int[] children, int liveNodes) {
    this.tree = tree;
    this.total = total;
    this.childStart = childStart;
    this.children = children;
    this.liveNodes = liveNodes;
  }

  /** The view of {@code tree} with siblings in byte-wise name order. */
  public static SortedTree of(CallTree tree) {
    return of(tree, NameOrder.ranks(tree));
  }

  /**
   * The view of {@code tree} with siblings ordered by {@code nameRank} (indexed by name id), which
   * must order names byte-wise, e.g. one of {@link NameOrder#sharedRanks}.
   */
  public static SortedTree of(CallTree tree, int[] nameRank) {
    requireNonNull(tree, "tree is null");
    requireNonNull(nameRank, "nameRank is null");
    int size = tree.size();
    long[] total = tree.totals();
    total[0] -= tree.self(0);
    boolean[] live = new boolean[size];
    live[0] = true;
    int[] childStart = new int[size + 1];
    int liveNodes = 0;
    for (int i = 1; i < size; i++) {
      int p = tree.parent(i);
      if (live[p] && total[i] != 0) {
        live[i] = true;
        liveNodes++;
        childStart[p + 1]++;
      }
    }
    for (int i = 0; i < size; i++) {
      childStart[i + 1] += childStart[i];
    }
    int[] children = new int[liveNodes];
    int[] fill = Arrays.copyOf(childStart, size);
    for (int i = 1; i < size; i++) {
      if (live[i]) {
        children[fill[tree.parent(i)]++] = i;
      }
    }
    int maxGroup = 0;
    for (int i = 0; i < size; i++) {
      maxGroup = Math.max(maxGroup, childStart[i + 1] - childStart[i]);
    }
    long[] keys = new long[maxGroup];
    for (int i = 0; i < size; i++) {
      int from = childStart[i];
      int n = childStart[i + 1] - from;
      if (n < 2) {
        continue;
      }
      // Node and rank packed into one long: a primitive sort orders siblings by name.
      for (int k = 0; k < n; k++) {
        int c = children[from + k];
        keys[k] = ((long) nameRank[tree.nameIdOf(c)] << 32) | c;
      }
      Arrays.sort(keys, 0, n);
      for (int k = 0; k < n; k++) {
        children[from + k] = (int) keys[k];
      }
    }
    return new SortedTree(tree, total, childStart, children, liveNodes);
  }

  /** The tree this view reads. */
  public CallTree tree() {
    return tree;
  }

  /** Number of nodes in the view, the root excluded. */
  public int liveNodes() {
    return liveNodes;
  }

  /** Total of a node in the view (self plus descendants); for the root, the sum of everything. */
  public long total(int node) {
    return total[node];
  }

  /** Self value of a node; 0 for the root. */
  public long self(int node) {
    return node == 0 ? 0 : tree.self(node);
  }

  public int nameId(int node) {
    return tree.nameIdOf(node);
  }

  public String name(int node) {
    return tree.name(node);
  }

  /** Number of children of {@code node} in the view. */
  public int childCount(int node) {
    return childStart[node + 1] - childStart[node];
  }

  /** The {@code i}-th child of {@code node} in name order. */
  public int child(int node, int i) {
    return children[childStart[node] + i];
  }

  /** Totals of all nodes in the view except the root, in no particular order. */
  public long[] nodeTotals() {
    long[] out = new long[liveNodes];
    for (int i = 0; i < liveNodes; i++) {
      out[i] = total[children[i]];
    }
    return out;
  }
}
