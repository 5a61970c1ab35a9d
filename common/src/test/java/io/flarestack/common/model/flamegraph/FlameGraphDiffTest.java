package io.flarestack.common.model.flamegraph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.api.querier.v1.FlameGraphDiff;
import io.flarestack.api.querier.v1.Level;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.tree.CallTree;
import io.flarestack.common.model.tree.TreeFixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlameGraphDiffTest {
  @Test
  void alignsBothTreesToOneShape() {
    CallTree left = TreeFixtures.tree("main;a=3", "main;b=2");
    CallTree right = TreeFixtures.tree("main;b=4", "main;c=1");
    FlameGraphDiff d = FlameGraphs.diff(left, right, 0);
    // Aligned children of main: a (3|0), b (2|4), c (0|1); visited c, b, a.
    assertThat(d.getNamesList()).containsExactly("total", "main", "c", "b", "a");
    assertThat(levels(d))
        .containsExactly(
            List.of(0L, 5L, 0L, 0L, 5L, 0L, 0L),
            List.of(0L, 5L, 0L, 0L, 5L, 0L, 1L),
            List.of(0L, 3L, 3L, 0L, 0L, 0L, 4L, 0L, 2L, 2L, 0L, 4L, 4L, 3L, 0L, 0L, 0L, 0L, 1L, 1L, 2L));
    assertThat(d.getTotal()).isEqualTo(10);
    assertThat(d.getLeftTicks()).isEqualTo(5);
    assertThat(d.getRightTicks()).isEqualTo(5);
    assertThat(d.getMaxSelf()).isEqualTo(4);
  }

  @Test
  void xOffsetsAreDeltaEncodedPerSide() {
    // Left has self at main (2), right has none: children start at 2 on the left, 0 on the right.
    CallTree left = TreeFixtures.tree("main=2", "main;a=1", "main;b=1");
    CallTree right = TreeFixtures.tree("main;b=3");
    FlameGraphDiff d = FlameGraphs.diff(left, right, 0);
    assertThat(d.getNamesList()).containsExactly("total", "main", "b", "a");
    // a: left x=2 (delta 2) w=1; right x=0 w=0. b: left x=3 (delta 0) w=1; right x=0 (delta 0) w=3.
    assertThat(levels(d).get(2)).containsExactly(2L, 1L, 1L, 0L, 0L, 0L, 3L, 0L, 1L, 1L, 0L, 3L, 3L, 2L);
    assertThat(d.getLeftTicks()).isEqualTo(4);
    assertThat(d.getRightTicks()).isEqualTo(3);
    assertThat(d.getTotal()).isEqualTo(7);
    assertThat(d.getMaxSelf()).isEqualTo(3);
  }

  @Test
  void truncationRanksNodesByTheLargerSide() {
    CallTree left = TreeFixtures.tree("m;a=10", "m;b=1", "m;c=1");
    CallTree right = TreeFixtures.tree("m;a=1", "m;b=6", "m;c=2");
    // Aligned nodes with max(left,right): root 12, m 12, a 10, b 6, c 2 (5 nodes). Budget 4:
    // threshold = 4th largest = 6, so c (1|2) folds into other, placed after a and b.
    FlameGraphDiff d = FlameGraphs.diff(left, right, 4);
    assertThat(d.getNamesList()).containsExactly("total", "m", "other", "b", "a");
    assertThat(levels(d).get(2))
        .containsExactly(0L, 10L, 10L, 0L, 1L, 1L, 4L, 0L, 1L, 1L, 0L, 6L, 6L, 3L, 0L, 1L, 1L, 0L, 2L, 2L, 2L);
    assertThat(d.getTotal()).isEqualTo(21);
  }

  @Test
  void aFunctionWithAnEmptyNameSharesTheRootsEntry() {
    // Pyroscope caches the diff root under "" (then shows it as "total"); "total" gets its own entry.
    FlameGraphDiff d = FlameGraphs.diff(TreeFixtures.tree(";a=1"), TreeFixtures.tree("total=2"), 0);
    assertThat(d.getNamesList()).containsExactly("total", "total", "a");
    assertThat(levels(d).get(1)).containsExactly(0L, 1L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 2L, 2L, 1L);
  }

  @Test
  void emptyTrees() {
    FlameGraphDiff d = FlameGraphs.diff(new CallTree(), new CallTree(), 100);
    assertThat(d.getNamesList()).containsExactly("total");
    assertThat(levels(d)).containsExactly(List.of(0L, 0L, 0L, 0L, 0L, 0L, 0L));
    assertThat(d.getTotal()).isZero();
  }

  @Test
  void negativeValuesAreRejected() {
    CallTree bad = new CallTree();
    bad.addStack(List.of("a"), -1);
    CallTree good = TreeFixtures.tree("a=1");
    assertThatThrownBy(() -> FlameGraphs.diff(bad, good, 0))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("left tree");
    assertThatThrownBy(() -> FlameGraphs.diff(good, bad, 0)).hasMessageContaining("right tree");
    assertThatThrownBy(() -> FlameGraphs.diff(bad, bad, 0)).hasMessageContaining("both trees");
  }

  @Test
  void decodingRebuildsBothTrees() {
    for (long seed = 0; seed < 40; seed++) {
      // "" is left out: diffs give it the root's name (see aFunctionWithAnEmptyNameSharesTheRootsEntry).
      CallTree left = TreeFixtures.randomExcluding(seed, 1 + (int) seed * 5, 1 + (int) (seed % 9), "other", "");
      CallTree right = TreeFixtures.randomExcluding(seed + 1000, 1 + (int) seed * 3, 1 + (int) (seed % 7), "other", "");
      FlameGraphDiff d = FlameGraphs.diff(left, right, 0);
      CallTree[] decoded = LevelsDecoder.diff(d.getLevelsList(), d.getNamesList());
      assertThat(TreeFixtures.selfByPath(decoded[0])).as("left, seed %d", seed).isEqualTo(TreeFixtures.selfByPath(left));
      assertThat(TreeFixtures.selfByPath(decoded[1])).as("right, seed %d", seed).isEqualTo(TreeFixtures.selfByPath(right));
      assertThat(d.getLeftTicks()).isEqualTo(left.total());
      assertThat(d.getRightTicks()).isEqualTo(right.total());
      FlameGraphsTest.assertSiblingsInByteOrder(decoded[0]);
    }
  }

  @Test
  void truncatedDiffsKeepTotalsAndStayWithinBudgetPlusOthers() {
    CallTree left = TreeFixtures.randomWithoutOther(3, 500, 8);
    CallTree right = TreeFixtures.randomWithoutOther(4, 500, 8);
    for (long maxNodes : new long[] {1, 10, 100}) {
      FlameGraphDiff d = FlameGraphs.diff(left, right, maxNodes);
      CallTree[] decoded = LevelsDecoder.diff(d.getLevelsList(), d.getNamesList());
      assertThat(decoded[0].total()).isEqualTo(left.total());
      assertThat(decoded[1].total()).isEqualTo(right.total());
      long nonOther = 0;
      for (int i = 1; i < decoded[0].size(); i++) {
        if (!decoded[0].name(i).equals("other")) {
          nonOther++;
        }
      }
      // The root counts against the budget; ties at the threshold may add a few more.
      assertThat(nonOther).as("maxNodes %d", maxNodes).isLessThanOrEqualTo(maxNodes + 5);
    }
  }

  private static List<List<Long>> levels(FlameGraphDiff d) {
    List<List<Long>> out = new ArrayList<>();
    for (Level l : d.getLevelsList()) {
      out.add(l.getValuesList());
    }
    return out;
  }
}
