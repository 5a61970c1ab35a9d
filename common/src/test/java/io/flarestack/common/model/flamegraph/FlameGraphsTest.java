package io.flarestack.common.model.flamegraph;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.querier.v1.FlameGraph;
import io.flarestack.api.querier.v1.Level;
import io.flarestack.common.model.tree.CallTree;
import io.flarestack.common.model.tree.TreeFixtures;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlameGraphsTest {
  @Test
  void workedExampleOfTheSpec() {
    FlameGraph fg = FlameGraphs.flameGraph(TreeFixtures.tree("main;a=3", "main;b=2"), 0);
    assertThat(fg.getNamesList()).containsExactly("total", "main", "b", "a");
    assertThat(levels(fg)).containsExactly(List.of(0L, 5L, 0L, 0L), List.of(0L, 5L, 0L, 1L), List.of(0L, 3L, 3L, 3L, 0L, 2L, 2L, 2L));
    assertThat(fg.getTotal()).isEqualTo(5);
    assertThat(fg.getMaxSelf()).isEqualTo(3);
  }

  @Test
  void namesFollowTheRightMostFirstWalk() {
    // total; root children a(2) d(1): d is visited first; then a's children c before b.
    FlameGraph fg = FlameGraphs.flameGraph(TreeFixtures.tree("a;b=1", "a;c=1", "d=1"), 0);
    assertThat(fg.getNamesList()).containsExactly("total", "d", "a", "c", "b");
    assertThat(levels(fg))
        .containsExactly(List.of(0L, 3L, 0L, 0L), List.of(0L, 2L, 0L, 2L, 0L, 1L, 1L, 1L), List.of(0L, 1L, 1L, 4L, 0L, 1L, 1L, 3L));
  }

  @Test
  void childrenStartAfterTheParentsSelf() {
    // main has self 4: its children start at x=4 on level 2.
    FlameGraph fg = FlameGraphs.flameGraph(TreeFixtures.tree("main=4", "main;a=1", "x=2"), 0);
    assertThat(fg.getNamesList()).containsExactly("total", "x", "main", "a");
    assertThat(levels(fg))
        .containsExactly(List.of(0L, 7L, 0L, 0L), List.of(0L, 5L, 4L, 2L, 0L, 2L, 2L, 1L), List.of(4L, 1L, 1L, 3L));
    assertThat(fg.getMaxSelf()).isEqualTo(4);
  }

  @Test
  void emptyTree() {
    FlameGraph fg = FlameGraphs.flameGraph(new CallTree(), 8192);
    assertThat(fg.getNamesList()).containsExactly("total");
    assertThat(levels(fg)).containsExactly(List.of(0L, 0L, 0L, 0L));
    assertThat(fg.getTotal()).isZero();
    assertThat(fg.getMaxSelf()).isZero();
  }

  @Test
  void truncationPlacesOtherAfterTheKeptSiblings() {
    CallTree t = TreeFixtures.tree("main;a=3", "main;b=2", "main;c=1");
    // 4 nodes, budget 3: threshold = 3rd largest total = 2; c (1) is folded.
    FlameGraph fg = FlameGraphs.flameGraph(t, 3);
    assertThat(fg.getNamesList()).containsExactly("total", "main", "other", "b", "a");
    assertThat(levels(fg).get(2)).containsExactly(0L, 3L, 3L, 4L, 0L, 2L, 2L, 3L, 0L, 1L, 1L, 2L);
    // Budget 2: threshold 3, b and c fold into other (3).
    FlameGraph two = FlameGraphs.flameGraph(t, 2);
    assertThat(two.getNamesList()).containsExactly("total", "main", "other", "a");
    assertThat(levels(two).get(2)).containsExactly(0L, 3L, 3L, 3L, 0L, 3L, 3L, 2L);
    assertThat(two.getTotal()).isEqualTo(6);
  }

  @Test
  void functionsNamedOtherAreAlwaysFolded() {
    FlameGraph fg = FlameGraphs.flameGraph(TreeFixtures.tree("x;other;deeper=2", "x;y=1"), 0);
    assertThat(fg.getNamesList()).containsExactly("total", "x", "other", "y");
    assertThat(levels(fg)).hasSize(3);
    assertThat(levels(fg).get(2)).containsExactly(0L, 1L, 1L, 3L, 0L, 2L, 2L, 2L);
  }

  @Test
  void aFunctionNamedTotalSharesTheRootsName() {
    FlameGraph fg = FlameGraphs.flameGraph(TreeFixtures.tree("total;a=1"), 0);
    assertThat(fg.getNamesList()).containsExactly("total", "a");
    assertThat(levels(fg)).containsExactly(List.of(0L, 1L, 0L, 0L), List.of(0L, 1L, 0L, 0L), List.of(0L, 1L, 1L, 1L));
  }

  @Test
  void decodingRebuildsTheInputTree() {
    for (long seed = 0; seed < 60; seed++) {
      CallTree t = TreeFixtures.randomWithoutOther(seed, 1 + (int) seed * 7, 1 + (int) (seed % 15));
      FlameGraph fg = FlameGraphs.flameGraph(t, 0);
      CallTree decoded = LevelsDecoder.single(fg.getLevelsList(), fg.getNamesList());
      assertThat(TreeFixtures.selfByPath(decoded)).as("seed %d", seed).isEqualTo(TreeFixtures.selfByPath(t));
      assertThat(fg.getNamesList().get(0)).isEqualTo("total");
      assertThat(new HashSet<>(fg.getNamesList())).hasSize(fg.getNamesCount());
      assertThat(fg.getTotal()).isEqualTo(t.total());
      assertThat(fg.getMaxSelf()).isEqualTo(maxSelf(t));
      assertSiblingsInByteOrder(decoded);
    }
  }

  @Test
  void truncatedGraphsDecodeToTheTruncatedTreeWithinBudget() {
    for (long seed = 0; seed < 30; seed++) {
      CallTree t = TreeFixtures.randomWithoutOther(seed, 400, 6);
      for (long maxNodes : new long[] {1, 10, 50, 200}) {
        FlameGraph fg = FlameGraphs.flameGraph(t, maxNodes);
        CallTree decoded = LevelsDecoder.single(fg.getLevelsList(), fg.getNamesList());
        assertThat(decoded.total()).isEqualTo(t.total());
        // CallTree.truncate keeps the same nodes; its "other" children sort by name instead of
        // coming last, which the path-keyed comparison ignores.
        assertThat(TreeFixtures.selfByPath(decoded))
            .as("seed %d maxNodes %d", seed, maxNodes)
            .isEqualTo(TreeFixtures.selfByPath(t.truncate(maxNodes)));
      }
    }
  }

  @Test
  void deepStacksNeedNoRecursion() {
    FlameGraph fg = FlameGraphs.flameGraph(TreeFixtures.deep(50_000, 9), 0);
    assertThat(fg.getLevelsCount()).isEqualTo(50_001);
    assertThat(fg.getLevels(50_000).getValuesList()).containsExactly(0L, 9L, 9L, 6L); // f5 (49999 % 7), names: total f0..f6
    assertThat(fg.getNamesCount()).isEqualTo(8);
  }

  /**
   * A million nodes, whole and truncated to 8,192: every node lands on the level of its depth,
   * totals are kept, and the truncated graph is the truncated tree. How fast this is is measured by
   * {@code bench}'s {@code FlameGraphBenchmark}, not here: tests do not assert on time (this test
   * used to, to catch a quadratic blow-up; that guard is gone with the time bound).
   */
  @Test
  void aMillionNodesKeepEveryNodeOnItsLevelWholeAndTruncated() {
    CallTree t = TreeFixtures.wide(1, 1_000_000, 20_000);
    // The nodes per depth, from the tree alone (a child is created after its parent).
    int[] depth = new int[t.size()];
    List<Integer> perDepth = new ArrayList<>(List.of(1));
    for (int i = 1; i < t.size(); i++) {
      depth[i] = depth[t.parent(i)] + 1;
      if (depth[i] == perDepth.size()) {
        perDepth.add(0);
      }
      perDepth.set(depth[i], perDepth.get(depth[i]) + 1);
    }

    FlameGraph full = FlameGraphs.flameGraph(t, 0);
    List<Integer> nodesPerLevel = new ArrayList<>();
    for (Level l : full.getLevelsList()) {
      nodesPerLevel.add(l.getValuesCount() / 4);
    }
    assertThat(nodesPerLevel).isEqualTo(perDepth);
    assertThat(full.getTotal()).isEqualTo(t.total());
    assertThat(full.getMaxSelf()).isEqualTo(maxSelf(t));
    CallTree decoded = LevelsDecoder.single(full.getLevelsList(), full.getNamesList());
    assertThat(decoded.size()).isEqualTo(t.size());
    assertThat(decoded.total()).isEqualTo(t.total());

    FlameGraph truncated = FlameGraphs.flameGraph(t, 8192);
    assertThat(truncated.getTotal()).isEqualTo(t.total());
    assertThat(TreeFixtures.selfByPath(LevelsDecoder.single(truncated.getLevelsList(), truncated.getNamesList())))
        .isEqualTo(TreeFixtures.selfByPath(t.truncate(8192)));
  }

  static List<List<Long>> levels(FlameGraph fg) {
    List<List<Long>> out = new ArrayList<>();
    for (Level l : fg.getLevelsList()) {
      out.add(l.getValuesList());
    }
    return out;
  }

  private static long maxSelf(CallTree t) {
    long max = 0;
    for (int i = 1; i < t.size(); i++) {
      max = Math.max(max, t.self(i));
    }
    return max;
  }

  static void assertSiblingsInByteOrder(CallTree decoded) {
    // Decoded nodes are created in level order, left to right: siblings appear in output order.
    int[] last = new int[decoded.size()];
    java.util.Arrays.fill(last, -1);
    for (int i = 1; i < decoded.size(); i++) {
      int p = decoded.parent(i);
      if (last[p] >= 0) {
        assertThat(CallTree.compareUtf8(decoded.name(last[p]), decoded.name(i)))
            .as("%s before %s", decoded.name(last[p]), decoded.name(i))
            .isNegative();
      }
      last[p] = i;
    }
  }
}
