package io.flarestack.common.model.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NameOrderTest {
  @Test
  void ranksFollowUtf8ByteOrder() {
    CallTree t = TreeFixtures.tree("b=1", "a=1", "\uD83D\uDE00=1", "\uFFFD=1", "B=1", "ab=1");
    int[] rank = NameOrder.ranks(t);
    String[] byRank = new String[t.nameCount()];
    for (int id = 0; id < t.nameCount(); id++) {
      byRank[rank[id]] = t.nameById(id);
    }
    String[] expected = byRank.clone();
    Arrays.sort(expected, (x, y) -> Arrays.compareUnsigned(utf8(x), utf8(y)));
    assertThat(byRank).containsExactly(expected);
    assertThat(byRank).containsExactly("", "B", "a", "ab", "b", "\uFFFD", "\uD83D\uDE00");
  }

  @Test
  void sharedRanksGiveEqualNamesEqualRanks() {
    CallTree left = TreeFixtures.tree("a=1", "c=1", "e=1");
    CallTree right = TreeFixtures.tree("b=1", "c=1", "f=1", "a=1");
    int[][] r = NameOrder.sharedRanks(left, right);
    // Shared scale: "" a b c e f
    assertThat(r[0][id(left, "")]).isEqualTo(0);
    assertThat(r[0][id(left, "a")]).isEqualTo(1).isEqualTo(r[1][id(right, "a")]);
    assertThat(r[1][id(right, "b")]).isEqualTo(2);
    assertThat(r[0][id(left, "c")]).isEqualTo(3).isEqualTo(r[1][id(right, "c")]);
    assertThat(r[0][id(left, "e")]).isEqualTo(4);
    assertThat(r[1][id(right, "f")]).isEqualTo(5);
  }

  @Test
  void sortsManyNames() {
    CallTree t = new CallTree();
    for (int i = 999; i >= 0; i--) {
      t.nameId("n" + i);
    }
    int[] rank = NameOrder.ranks(t);
    String[] byRank = new String[t.nameCount()];
    for (int id = 0; id < t.nameCount(); id++) {
      byRank[rank[id]] = t.nameById(id);
    }
    String[] expected = byRank.clone();
    Arrays.sort(expected);
    assertThat(byRank).containsExactly(expected);
  }

  private static int id(CallTree t, String name) {
    for (int i = 0; i < t.nameCount(); i++) {
      if (t.nameById(i).equals(name)) {
        return i;
      }
    }
    throw new AssertionError(name);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
