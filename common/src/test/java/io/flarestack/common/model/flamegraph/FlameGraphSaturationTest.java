package io.flarestack.common.model.flamegraph;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.querier.v1.FlameGraph;
import io.flarestack.api.querier.v1.FlameGraphDiff;
import io.flarestack.api.querier.v1.Level;
import io.flarestack.common.model.tree.CallTree;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Flame graphs of trees whose sums pass {@code Long.MAX_VALUE}: never a negative number, and
 * every node's total is its self plus its children's totals, clamped. Levels are decoded here
 * with exact (BigInteger) offsets, so a wrapped value could not hide.
 */
class FlameGraphSaturationTest {
  private static final long MAX = Long.MAX_VALUE;

  /** A decoded node: absolute x, total, self, name, and its children. */
  private record Node(BigInteger x, long total, long self, String name, List<Node> children) {}

  @Test
  void totalsSaturateAndStayConsistent() {
    CallTree t = new CallTree();
    t.addStack(List.of("main", "a"), 3);
    t.addStack(List.of("main", "b", "c"), MAX);
    t.addStack(List.of("main", "b", "c"), MAX);
    FlameGraph fg = FlameGraphs.flameGraph(t, 0);
    assertThat(fg.getTotal()).isEqualTo(MAX);
    assertThat(fg.getMaxSelf()).isEqualTo(MAX);
    Node root = decode(fg.getLevelsList(), fg.getNamesList(), 4, 0);
    assertConsistent(root);
    Map<String, Long> totals = new HashMap<>();
    collect(root, "", totals);
    assertThat(totals).containsExactlyInAnyOrderEntriesOf(Map.of(
        "total", MAX, "total;main", MAX, "total;main;a", 3L, "total;main;b", MAX, "total;main;b;c", MAX));
  }

  @Test
  void siblingsRightOfASaturatedNodeNeverGetNegativeOffsets() {
    CallTree t = new CallTree();
    for (int i = 0; i < 3; i++) {
      t.addStack(List.of("main", "a"), MAX);
      t.addStack(List.of("main", "b"), MAX / 2);
      t.addStack(List.of("main", "c", "d"), MAX - 1);
      t.addStack(List.of("z"), 1);
    }
    FlameGraph fg = FlameGraphs.flameGraph(t, 0);
    assertThat(fg.getTotal()).isEqualTo(MAX);
    assertNoNegative(fg.getLevelsList());
    // With a node budget the folded "other" saturates too.
    FlameGraph cut = FlameGraphs.flameGraph(t, 2);
    assertThat(cut.getTotal()).isEqualTo(MAX);
    assertNoNegative(cut.getLevelsList());
  }

  @Test
  void diffOfASaturatedTreeIsNotRefused() {
    CallTree left = new CallTree();
    left.addStack(List.of("main", "b"), MAX);
    left.addStack(List.of("main", "b"), MAX);
    CallTree right = new CallTree();
    right.addStack(List.of("main", "a"), 5);
    right.addStack(List.of("main", "b"), 7);
    FlameGraphDiff d = FlameGraphs.diff(left, right, 0);
    assertThat(d.getLeftTicks()).isEqualTo(MAX);
    assertThat(d.getRightTicks()).isEqualTo(12);
    assertThat(d.getTotal()).isEqualTo(MAX);
    assertNoNegative(d.getLevelsList());
    Node rightRoot = decode(d.getLevelsList(), d.getNamesList(), 7, 3);
    assertConsistent(rightRoot);
    Node leftRoot = decode(d.getLevelsList(), d.getNamesList(), 7, 0);
    assertConsistent(leftRoot);
    assertThat(leftRoot.total()).isEqualTo(MAX);
  }

  private static void assertNoNegative(List<Level> levels) {
    for (Level l : levels) {
      for (long v : l.getValuesList()) {
        assertThat(v).isNotNegative();
      }
    }
  }

  private static void assertConsistent(Node n) {
    BigInteger sum = BigInteger.valueOf(n.self());
    for (Node c : n.children()) {
      sum = sum.add(BigInteger.valueOf(c.total()));
      assertConsistent(c);
    }
    assertThat(n.total()).as("total of %s", n.name()).isEqualTo(sum.min(BigInteger.valueOf(MAX)).longValueExact());
  }

  private static void collect(Node n, String prefix, Map<String, Long> out) {
    String path = prefix.isEmpty() ? n.name() : prefix + ";" + n.name();
    out.put(path, n.total());
    for (Node c : n.children()) {
      collect(c, path, out);
    }
  }

  /**
   * Rebuilds the tree of one side (x column {@code xCol}, total and self after it): x offsets
   * made absolute per level, each node the child of the left-most node on the level above whose
   * interval holds its start (a child of a saturated parent may end past it). Nodes of width 0
   * on this side (diffs) are skipped.
   */
  private static Node decode(List<Level> levels, List<String> names, int width, int xCol) {
    Level first = levels.get(0);
    Node root = new Node(BigInteger.ZERO, first.getValues(xCol + 1), first.getValues(xCol + 2),
        names.get((int) first.getValues(width - 1)), new ArrayList<>());
    List<Node> parents = List.of(root);
    for (int l = 1; l < levels.size(); l++) {
      Level level = levels.get(l);
      List<Node> next = new ArrayList<>();
      BigInteger prevEnd = BigInteger.ZERO;
      for (int i = 0; i < level.getValuesCount(); i += width) {
        BigInteger x = prevEnd.add(BigInteger.valueOf(level.getValues(i + xCol)));
        long total = level.getValues(i + xCol + 1);
        prevEnd = x.add(BigInteger.valueOf(total));
        if (total == 0) {
          continue;
        }
        Node node = new Node(x, total, level.getValues(i + xCol + 2), names.get((int) level.getValues(i + width - 1)),
            new ArrayList<>());
        Node parent = null;
        for (Node p : parents) {
          if (x.compareTo(p.x()) >= 0 && x.compareTo(p.x().add(BigInteger.valueOf(p.total()))) < 0) {
            parent = p;
            break;
          }
        }
        assertThat(parent).as("parent of %s at x=%s on level %d", node.name(), x, l).isNotNull();
        parent.children().add(node);
        next.add(node);
      }
      parents = next;
    }
    return root;
  }
}
