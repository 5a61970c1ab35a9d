package io.flarestack.common.model.tree;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.common.testing.TreeFacts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CallTreeTest {
  @Test
  void buildsTotalsFromStacks() {
    CallTree t = new CallTree();
    t.addStack(List.of("main", "a"), 3);
    t.addStack(List.of("main", "b"), 2);
    t.addStack(List.of("main", "a"), 1);
    assertThat(t.size()).isEqualTo(4);
    assertThat(t.total()).isEqualTo(6);
    long[] totals = t.totals();
    assertThat(totals[0]).isEqualTo(6);
    assertThat(TreeFacts.collapsed(t)).containsOnly(Map.entry("main;a", 4L), Map.entry("main;b", 2L));
  }

  @Test
  void mergeSumsAndProtoRoundTrips() {
    Random r = new Random(42);
    CallTree a = randomTree(r, 300);
    CallTree b = randomTree(r, 300);
    Map<String, Long> expected = new HashMap<>(TreeFacts.collapsed(a));
    TreeFacts.collapsed(b).forEach((k, v) -> expected.merge(k, v, Long::sum));
    a.merge(b);
    assertThat(TreeFacts.collapsed(a)).isEqualTo(expected);
    assertThat(TreeFacts.collapsed(CallTree.fromProto(a.toProto()))).isEqualTo(expected);
  }

  @Test
  void truncationKeepsTheLargestNodesAndPreservesTheTotal() {
    CallTree t = new CallTree();
    t.addStack(List.of("main", "big"), 100);
    t.addStack(List.of("main", "mid"), 50);
    t.addStack(List.of("main", "small1"), 2);
    t.addStack(List.of("main", "small2"), 1);
    // Node totals: main 153, big 100, mid 50, small1 2, small2 1. With 3 nodes the threshold is 50.
    CallTree cut = t.truncate(3);
    assertThat(cut.total()).isEqualTo(153);
    assertThat(TreeFacts.collapsed(cut)).containsOnly(
        Map.entry("main;big", 100L), Map.entry("main;mid", 50L), Map.entry("main;other", 3L));
    assertThat(t.truncate(5)).isSameAs(t);
    assertThat(t.truncate(0)).isSameAs(t);
  }

  @Test
  void truncationOfRandomTreesPreservesTotals() {
    Random r = new Random(7);
    for (int i = 0; i < 20; i++) {
      CallTree t = randomTree(r, 500);
      long max = 1 + r.nextInt(50);
      CallTree cut = t.truncate(max);
      assertThat(cut.total()).isEqualTo(t.total());
      long nonOther = 0;
      for (int n = 1; n < cut.size(); n++) {
        if (!cut.name(n).equals(CallTree.OTHER)) {
          nonOther++;
        }
      }
      // Ties may keep a few more, never fewer than the budget when there were more nodes.
      assertThat(nonOther).isGreaterThanOrEqualTo(Math.min(max, t.size() - 1));
    }
  }

  @Test
  void siblingsSortByUtf8Bytes() {
    CallTree t = new CallTree();
    t.addStack(List.of("b"), 1);
    t.addStack(List.of("a"), 1);
    t.addStack(List.of("\uD83D\uDE00"), 1); // U+1F600: after U+FFFD in UTF-8, before it in UTF-16
    t.addStack(List.of("\uFFFD"), 1);
    int[][] children = t.sortedChildren();
    List<String> names = new ArrayList<>();
    for (int c : children[0]) {
      names.add(t.name(c));
    }
    assertThat(names).containsExactly("a", "b", "\uFFFD", "\uD83D\uDE00");
  }

  @Test
  void malformedProtoIsRejected() {
    var bad = io.flarestack.api.ingester.v1.FunctionTree.newBuilder()
        .addNames("").addNames("x").addName(0).addParent(-1).addSelf(0).addName(1).addParent(5).addSelf(1).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CallTree.fromProto(bad))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static CallTree randomTree(Random r, int stacks) {
    CallTree t = new CallTree();
    String[] names = {"main", "a", "b", "c", "d", "e", "f", "g"};
    for (int i = 0; i < stacks; i++) {
      int depth = 1 + r.nextInt(6);
      List<String> s = new ArrayList<>();
      for (int d = 0; d < depth; d++) {
        s.add(names[r.nextInt(names.length)]);
      }
      t.addStack(s, 1 + r.nextInt(100));
    }
    return t;
  }
}
