package io.flarestack.common.model.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NodeBudgetTest {
  @Test
  void noLimitWhenCountWithinBudgetOrBudgetUnset() {
    long[] v = {5, 1, 3};
    assertThat(NodeBudget.minTotal(v, 3, 3)).isZero();
    assertThat(NodeBudget.minTotal(v, 3, 10)).isZero();
    assertThat(NodeBudget.minTotal(v, 3, 0)).isZero();
    assertThat(NodeBudget.minTotal(v, 3, -1)).isZero();
  }

  @Test
  void thresholdIsTheKthLargest() {
    long[] v = {5, 1, 3, 3, 9, 2};
    assertThat(NodeBudget.minTotal(v, 6, 1)).isEqualTo(9);
    assertThat(NodeBudget.minTotal(v, 6, 2)).isEqualTo(5);
    assertThat(NodeBudget.minTotal(v, 6, 3)).isEqualTo(3);
    assertThat(NodeBudget.minTotal(v, 6, 4)).isEqualTo(3);
    assertThat(NodeBudget.minTotal(v, 6, 5)).isEqualTo(2);
  }

  @Test
  void matchesSortingOnRandomInput() {
    Random r = new Random(7);
    for (int round = 0; round < 200; round++) {
      int n = 1 + r.nextInt(300);
      long[] v = new long[n];
      for (int i = 0; i < n; i++) {
        v[i] = r.nextInt(50);
      }
      int k = 1 + r.nextInt(n);
      long[] sorted = v.clone();
      Arrays.sort(sorted);
      long expected = n <= k ? 0 : sorted[n - k];
      assertThat(NodeBudget.minTotal(v, n, k)).as("n=%d k=%d", n, k).isEqualTo(expected);
    }
  }
}
