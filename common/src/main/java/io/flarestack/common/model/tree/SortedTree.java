package io.flarestack.common.model.tree;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.model.SampleValues;
import java.util.Arrays;

/**
 * A read-only view of a {@link CallTree} as Pyroscope's encoders walk it: node totals, and each
 * node's children in byte-wise name order.
 *
 * <p>Two normalisations make the view match a Pyroscope tree: nodes whose total is 0 are left
 * out together with their subtrees (Pyroscope drops non-positive samples on insert, so such
 * nodes never exist there), and the root's own self value is ignored (no Pyroscope format can
 * carry it): the root total is the sum of its children's totals and its self is 0.
 *
 * <p>Nodes are renumbered breadth first (the root is 0) so that siblings are adjacent and a walk
 * reads memory mostly in order; view node ids are not the tree's. Immutable after construction;
 * the underlying tree must not change while the view is used.
 */
public final class SortedTree {
  private final CallTree tree;
  private final int[] treeNode;
  private final long[] total;
  private final long[] self;
  private final int[] nameId;
  private final int[] childStart;

  private SortedTree(CallTree tree, int[] treeNode, long[] total, long[] self, int[] nameId, int[] childStart) {
    this.tree = tree;
    this.treeNode = treeNode;
    this.total = total;
    this.self = self;
    this.nameId = nameId;
    this.childStart = childStart;
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
    long[] totals = tree.totals();
    // The root's own self is ignored: its total is the (saturated) sum of its children's.
    long rootTotal = 0;
    for (int i = 1; i < size; i++) {
      if (tree.parent(i) == 0) {
        rootTotal = SampleValues.add(rootTotal, totals[i]);
      }
    }
    totals[0] = rootTotal;
    boolean[] live = new boolean[size];
    live[0] = true;
    // Children grouped by parent (tree ids), then sorted by name within each group.
    int[] groupStart = new int[size + 1];
    int liveNodes = 0;
    for (int i = 1; i < size; i++) {
      int p = tree.parent(i);
      if (live[p] && totals[i] != 0) {
        live[i] = true;
        liveNodes++;
        groupStart[p + 1]++;
      }
    }
    for (int i = 0; i < size; i++) {
      groupStart[i + 1] += groupStart[i];
    }
    int[] grouped = new int[liveNodes];
    int[] fill = Arrays.copyOf(groupStart, size);
    for (int i = 1; i < size; i++) {
      if (live[i]) {
        grouped[fill[tree.parent(i)]++] = i;
      }
    }
    int maxGroup = 0;
    for (int i = 0; i < size; i++) {
      maxGroup = Math.max(maxGroup, groupStart[i + 1] - groupStart[i]);
    }
    long[] keys = new long[maxGroup];
    for (int i = 0; i < size; i++) {
      int from = groupStart[i];
      int n = groupStart[i + 1] - from;
      if (n < 2) {
        continue;
      }
      // Node and rank packed into one long: a primitive sort orders siblings by name.
      for (int k = 0; k < n; k++) {
        int c = grouped[from + k];
        keys[k] = ((long) nameRank[tree.nameIdOf(c)] << 32) | c;
      }
      Arrays.sort(keys, 0, n);
      for (int k = 0; k < n; k++) {
        grouped[from + k] = (int) keys[k];
      }
    }
    // Breadth-first renumbering: the children of view node u are view nodes
    // childStart[u] .. childStart[u + 1] - 1.
    int count = liveNodes + 1;
    int[] treeNode = new int[count];
    int[] childStart = new int[count + 1];
    int next = 1;
    for (int u = 0; u < count; u++) {
      int v = treeNode[u];
      childStart[u] = next;
      for (int k = groupStart[v]; k < groupStart[v + 1]; k++) {
        treeNode[next++] = grouped[k];
      }
    }
    childStart[count] = next;
    long[] total = new long[count];
    long[] self = new long[count];
    int[] nameId = new int[count];
    total[0] = totals[0];
    for (int u = 1; u < count; u++) {
      int v = treeNode[u];
      total[u] = totals[v];
      self[u] = tree.self(v);
      nameId[u] = tree.nameIdOf(v);
    }
    return new SortedTree(tree, treeNode, total, self, nameId, childStart);
  }

  /** The tree this view reads. */
  public CallTree tree() {
    return tree;
  }

  /** The view's root. */
  public static int root() {
    return 0;
  }

  /** Number of nodes in the view, the root excluded. */
  public int liveNodes() {
    return total.length - 1;
  }

  /** The node of the underlying tree that view node {@code node} stands for. */
  public int treeNode(int node) {
    return treeNode[node];
  }

  /** Total of a node (self plus descendants); for the root, the sum of everything. */
  public long total(int node) {
    return total[node];
  }

  /** Self value of a node; 0 for the root. */
  public long self(int node) {
    return self[node];
  }

  /** The node's name id in the underlying tree. */
  public int nameId(int node) {
    return nameId[node];
  }

  public String name(int node) {
    return tree.nameById(nameId[node]);
  }

  /** Number of children of {@code node}. */
  public int childCount(int node) {
    return childStart[node + 1] - childStart[node];
  }

  /** The {@code i}-th child of {@code node} in name order. */
  public int child(int node, int i) {
    return childStart[node] + i;
  }

  /** Totals of all nodes except the root, in no particular order. */
  public long[] nodeTotals() {
    return Arrays.copyOfRange(total, 1, total.length);
  }
}
