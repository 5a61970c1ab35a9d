package io.flarestack.common.model.flamegraph;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.querier.v1.FlameGraph;
import io.flarestack.api.querier.v1.FlameGraphDiff;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.Checkpoint;
import io.flarestack.common.model.SampleValues;
import io.flarestack.common.model.tree.CallTree;
import io.flarestack.common.model.tree.NameOrder;
import io.flarestack.common.model.tree.NodeBudget;
import io.flarestack.common.model.tree.SortedTree;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds Pyroscope's flame graph messages from call trees, byte for byte as {@code
 * pkg/model/flamegraph.go} ({@code NewFlameGraph}) and {@code flamegraph_diff.go} ({@code
 * NewFlamegraphDiff}) do: a root named {@code total} at {@code names[0]}, per level the nodes
 * left to right as tuples with delta-encoded x offsets, children placed after their parent's
 * self, siblings in byte-wise name order, names de-duplicated in the order of a depth-first walk
 * that visits the right-most child first, and nodes below the {@link NodeBudget} threshold
 * folded into an {@code other} node after the kept siblings. Nodes with total 0 and the root's
 * own self value are not represented (see {@link SortedTree}). Totals, x offsets and {@code
 * other} sums saturate at {@code Long.MAX_VALUE} like the tree's ({@link SampleValues}): no value
 * in a flame graph is ever negative, and a node's total is the saturated sum of its self value
 * and its children's totals. Past saturation x offsets stop growing, so nodes to the right of a
 * saturated sibling sit at the right edge.
 *
 * <p>Iterative (no recursion, so deep stacks are fine), linear in the number of nodes apart from
 * sorting siblings. Stateless and thread-safe; the input trees are not modified.
 */
public final class FlameGraphs {
  private static final String TOTAL = "total";
  private static final int ROOT = 0;
  private static final int SYNTHETIC_OTHER = -1;

  private FlameGraphs() {}

  /**
   * The flame graph of {@code tree} limited to about {@code maxNodes} nodes ({@code <= 0}: no
   * limit). An empty tree gives {@code names=["total"]}, {@code levels=[[0,0,0,0]]}, total 0.
   */
  public static FlameGraph flameGraph(CallTree tree, long maxNodes) {
    return flameGraph(tree, maxNodes, Checkpoint.NONE);
  }

  /** {@link #flameGraph(CallTree, long)}, calling {@code checkpoint} per node. */
  public static FlameGraph flameGraph(CallTree tree, long maxNodes, Checkpoint checkpoint) {
    requireNonNull(tree, "tree is null");
    SortedTree st = SortedTree.of(tree);
    long minTotal = NodeBudget.minTotal(st.nodeTotals(), st.liveNodes(), maxNodes);
    int totalName = nameIdOf(tree, TOTAL);
    int otherName = nameIdOf(tree, CallTree.OTHER);

    int[] nameIndex = new int[tree.nameCount()];
    Arrays.fill(nameIndex, -1);
    List<String> names = new ArrayList<>();
    int syntheticOtherIndex = -1;
    Levels levels = new Levels(4);
    long maxSelf = 0;

    int[] stackNode = new int[64];
    long[] stackValue = new long[64];
    int[] stackLevel = new int[64];
    long[] stackX = new long[64];
    int sp = 1;
    stackNode[0] = ROOT;
    while (sp > 0) {
      checkpoint.check();
      sp--;
      int node = stackNode[sp];
      int level = stackLevel[sp];
      long x = stackX[sp];
      long self;
      long total;
      int index;
      if (node == ROOT) {
        self = 0;
        total = st.total(ROOT);
        // Pyroscope caches the root under the name "total": a function called "total" shares it.
        index = names.size();
        names.add(TOTAL);
        if (totalName >= 0) {
          nameIndex[totalName] = index;
        }
      } else if (node == SYNTHETIC_OTHER) {
        self = stackValue[sp];
        total = self;
        if (otherName >= 0) {
          index = nameIndex[otherName];
          if (index < 0) {
            index = names.size();
            names.add(CallTree.OTHER);
            nameIndex[otherName] = index;
          }
        } else {
          if (syntheticOtherIndex < 0) {
            syntheticOtherIndex = names.size();
            names.add(CallTree.OTHER);
          }
          index = syntheticOtherIndex;
        }
      } else {
        self = st.self(node);
        total = st.total(node);
        int nid = st.nameId(node);
        index = nameIndex[nid];
        if (index < 0) {
          index = names.size();
          names.add(tree.nameById(nid));
          nameIndex[nid] = index;
        }
      }
      maxSelf = Math.max(maxSelf, self);
      levels.add(level, x, total, self, index);
      if (node == SYNTHETIC_OTHER) {
        continue;
      }
      x = SampleValues.add(x, self);
      int n = st.childCount(node);
      int need = sp + n + 1;
      if (need > stackNode.length) {
        int cap = Math.max(need, stackNode.length * 2);
        stackNode = Arrays.copyOf(stackNode, cap);
        stackValue = Arrays.copyOf(stackValue, cap);
        stackLevel = Arrays.copyOf(stackLevel, cap);
        stackX = Arrays.copyOf(stackX, cap);
      }
      long otherTotal = 0;
      for (int i = 0; i < n; i++) {
        int c = st.child(node, i);
        long ct = st.total(c);
        // Existing "other" nodes always join the folded node, as in Pyroscope.
        if (ct >= minTotal && st.nameId(c) != otherName) {
          stackNode[sp] = c;
          stackLevel[sp] = level + 1;
          stackX[sp++] = x;
          x = SampleValues.add(x, ct);
        } else {
          otherTotal = SampleValues.add(otherTotal, ct);
        }
      }
      if (otherTotal != 0) {
        stackNode[sp] = SYNTHETIC_OTHER;
        stackValue[sp] = otherTotal;
        stackLevel[sp] = level + 1;
        stackX[sp++] = x;
      }
    }
    return FlameGraph.newBuilder()
        .addAllNames(names)
        .addAllLevels(levels.build(0))
        .setTotal(st.total(ROOT))
        .setMaxSelf(maxSelf)
        .build();
  }

  /**
   * The diff flame graph of two trees: both aligned to one shape (a node missing on one side has
   * zeros there), 7-tuples {@code [xLeft, totalLeft, selfLeft, xRight, totalRight, selfRight,
   * nameIndex]} with both x columns delta-encoded, {@code total = leftTicks + rightTicks}, {@code
   * max_self} over both sides. The budget counts the aligned nodes (root included) ranked by the
   * larger of their two totals; a node is kept when either side reaches the threshold.
   *
   * @throws FlarestackException {@code INVALID_ARGUMENT} when either tree holds a negative value
   */
  public static FlameGraphDiff diff(CallTree left, CallTree right, long maxNodes) {
    return diff(left, right, maxNodes, Checkpoint.NONE);
  }

  /** {@link #diff(CallTree, CallTree, long)}, calling {@code checkpoint} per node. */
  public static FlameGraphDiff diff(CallTree left, CallTree right, long maxNodes, Checkpoint checkpoint) {
    requireNonNull(left, "left is null");
    requireNonNull(right, "right is null");
    boolean leftOk = nonNegative(left);
    boolean rightOk = nonNegative(right);
    if (!leftOk || !rightOk) {
      String which = !leftOk && !rightOk ? "both trees require" : !leftOk ? "left tree requires" : "right tree requires";
      throw FlarestackException.invalidArgument("%s only positive values", which);
    }
    int[][] ranks = NameOrder.sharedRanks(left, right);
    SortedTree lt = SortedTree.of(left, ranks[0]);
    SortedTree rt = SortedTree.of(right, ranks[1]);
    Aligned a = Aligned.of(lt, rt, ranks[0], ranks[1]);
    long minTotal = 0;
    if (maxNodes > 0 && a.size > maxNodes) {
      long[] larger = new long[a.size];
      for (int c = 0; c < a.size; c++) {
        larger[c] = Math.max(a.leftTotal(c), a.rightTotal(c));
      }
      minTotal = NodeBudget.minTotal(larger, a.size, maxNodes);
    }
    int sharedNames = a.nameCount;
    // Pyroscope caches the root under its own name "" (shown as "total"), so a function named ""
    // shares index 0 in diffs, and one named "total" does not.
    int emptyName = ranks[0][0];
    int otherName = sharedNameId(left, right, ranks, CallTree.OTHER);
    int[] nameIndex = new int[sharedNames];
    Arrays.fill(nameIndex, -1);
    List<String> names = new ArrayList<>();
    int syntheticOtherIndex = -1;
    Levels levels = new Levels(7);
    long maxSelf = 0;

    int[] stackNode = new int[64];
    long[] stackOtherLeft = new long[64];
    long[] stackOtherRight = new long[64];
    int[] stackLevel = new int[64];
    long[] stackXLeft = new long[64];
    long[] stackXRight = new long[64];
    int sp = 1;
    stackNode[0] = ROOT;
    while (sp > 0) {
      checkpoint.check();
      sp--;
      int c = stackNode[sp];
      int level = stackLevel[sp];
      long xl = stackXLeft[sp];
      long xr = stackXRight[sp];
      long ltot;
      long lself;
      long rtot;
      long rself;
      int index;
      if (c == SYNTHETIC_OTHER) {
        ltot = stackOtherLeft[sp];
        lself = ltot;
        rtot = stackOtherRight[sp];
        rself = rtot;
        if (otherName >= 0) {
          index = nameIndex[otherName];
          if (index < 0) {
            index = names.size();
            names.add(CallTree.OTHER);
            nameIndex[otherName] = index;
          }
        } else {
          if (syntheticOtherIndex < 0) {
            syntheticOtherIndex = names.size();
            names.add(CallTree.OTHER);
          }
          index = syntheticOtherIndex;
        }
      } else {
        ltot = a.leftTotal(c);
        lself = a.leftSelf(c);
        rtot = a.rightTotal(c);
        rself = a.rightSelf(c);
        int nid = c == ROOT ? emptyName : a.name[c];
        index = nameIndex[nid];
        if (index < 0) {
          index = names.size();
          names.add(index == 0 ? TOTAL : a.nameString(c));
          nameIndex[nid] = index;
        }
      }
      maxSelf = Math.max(maxSelf, Math.max(lself, rself));
      levels.add(level, xl, ltot, lself, xr, rtot, rself, index);
      if (c == SYNTHETIC_OTHER) {
        continue;
      }
      xl = SampleValues.add(xl, lself);
      xr = SampleValues.add(xr, rself);
      int from = a.childStart[c];
      int to = a.childStart[c] + a.childCount[c];
      int need = sp + (to - from) + 1;
      if (need > stackNode.length) {
        int cap = Math.max(need, stackNode.length * 2);
        stackNode = Arrays.copyOf(stackNode, cap);
        stackOtherLeft = Arrays.copyOf(stackOtherLeft, cap);
        stackOtherRight = Arrays.copyOf(stackOtherRight, cap);
        stackLevel = Arrays.copyOf(stackLevel, cap);
        stackXLeft = Arrays.copyOf(stackXLeft, cap);
        stackXRight = Arrays.copyOf(stackXRight, cap);
      }
      long otherLeft = 0;
      long otherRight = 0;
      for (int k = from; k < to; k++) {
        long kl = a.leftTotal(k);
        long kr = a.rightTotal(k);
        if (kl >= minTotal || kr >= minTotal) {
          stackNode[sp] = k;
          stackLevel[sp] = level + 1;
          stackXLeft[sp] = xl;
          stackXRight[sp++] = xr;
          xl = SampleValues.add(xl, kl);
          xr = SampleValues.add(xr, kr);
        } else {
          otherLeft = SampleValues.add(otherLeft, kl);
          otherRight = SampleValues.add(otherRight, kr);
        }
      }
      if (otherLeft != 0 || otherRight != 0) {
        stackNode[sp] = SYNTHETIC_OTHER;
        stackOtherLeft[sp] = otherLeft;
        stackOtherRight[sp] = otherRight;
        stackLevel[sp] = level + 1;
        stackXLeft[sp] = xl;
        stackXRight[sp++] = xr;
      }
    }
    long leftTicks = lt.total(ROOT);
    long rightTicks = rt.total(ROOT);
    return FlameGraphDiff.newBuilder()
        .addAllNames(names)
        .addAllLevels(levels.build(0, 3))
        .setTotal(SampleValues.add(leftTicks, rightTicks))
        .setMaxSelf(maxSelf)
        .setLeftTicks(leftTicks)
        .setRightTicks(rightTicks)
        .build();
  }

  private static boolean nonNegative(CallTree t) {
    for (int i = 0; i < t.size(); i++) {
      if (t.self(i) < 0) {
        return false;
      }
    }
    return true;
  }

  private static int nameIdOf(CallTree tree, String name) {
    for (int i = 0; i < tree.nameCount(); i++) {
      if (tree.nameById(i).equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static int sharedNameId(CallTree left, CallTree right, int[][] ranks, String name) {
    int l = nameIdOf(left, name);
    if (l >= 0) {
      return ranks[0][l];
    }
    int r = nameIdOf(right, name);
    return r >= 0 ? ranks[1][r] : -1;
  }
}
