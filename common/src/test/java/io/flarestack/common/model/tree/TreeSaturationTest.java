package io.flarestack.common.model.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sums of sample values in call trees saturate at {@code Long.MAX_VALUE}: expectations are the
 * exact sums (BigInteger) of the input stacks, clamped, computed here without the tree.
 */
class TreeSaturationTest {
  private static final long MAX = Long.MAX_VALUE;

  private record Stack(List<String> frames, long value) {}

  private static final List<Stack> STACKS = List.of(
      new Stack(List.of("main", "a"), MAX),
      new Stack(List.of("main", "a"), MAX),
      new Stack(List.of("main", "b", "c"), MAX - 10),
      new Stack(List.of("main", "b", "d"), 20),
      new Stack(List.of("main"), 5),
      new Stack(List.of("x"), 7));

  @Test
  void totalsAreTheClampedExactSumsAndConsistentAtEveryLevel() {
    CallTree t = build(STACKS);
    assertThat(t.total()).isEqualTo(MAX);
    assertExpected(t, STACKS, 1);
    assertConsistent(t);
    // Concretely: a's self saturated, b's total saturated although neither child did.
    assertThat(totalOf(t, "main", "a")).isEqualTo(MAX);
    assertThat(totalOf(t, "main", "b")).isEqualTo(MAX);
    assertThat(totalOf(t, "main", "b", "d")).isEqualTo(20);
    assertThat(totalOf(t, "x")).isEqualTo(7);
  }

  @Test
  void mergingManyTreesSaturates() {
    CallTree merged = build(STACKS);
    for (int i = 0; i < 3; i++) {
      merged.merge(build(STACKS));
    }
    assertExpected(merged, STACKS, 4);
    assertConsistent(merged);
    CallTree viaProto = CallTree.fromProto(merged.toProto());
    viaProto.merge(CallTree.fromProto(build(STACKS).toProto()));
    assertExpected(viaProto, STACKS, 5);
  }

  @Test
  void truncationKeepsASaturatedTotal() {
    CallTree cut = build(STACKS).truncate(2);
    assertThat(cut.total()).isEqualTo(MAX);
    assertConsistent(cut);
    for (long v : cut.totals()) {
      assertThat(v).isNotNegative();
    }
  }

  @Test
  void theRootsOwnSelfIsIgnoredEvenWhenItSaturates() {
    CallTree t = new CallTree();
    t.addSelf(CallTree.root(), MAX);
    t.addStack(List.of("x"), 7);
    assertThat(SortedTree.of(t).total(SortedTree.root())).isEqualTo(7);
  }

  @Test
  void treeBytesCarrySaturatedValuesAndRefuseValuesBeyondInt64() {
    CallTree t = build(STACKS);
    CallTree back = TreeBytes.unmarshal(TreeBytes.marshal(t, 0));
    assertExpected(back, STACKS, 1);

    byte[] tooBig = new byte[3 + 2 + 10 + 1];
    int i = 0;
    tooBig[i++] = 0; // virtual root: name length 0
    tooBig[i++] = 0; // self 0
    tooBig[i++] = 1; // one child
    tooBig[i++] = 1; // name length 1
    tooBig[i++] = 'a';
    for (int k = 0; k < 9; k++) {
      tooBig[i++] = (byte) 0x80;
    }
    tooBig[i++] = 1; // self = 2^63 as a uvarint
    tooBig[i] = 0; // no children
    assertThatThrownBy(() -> TreeBytes.unmarshal(tooBig)).isInstanceOfSatisfying(FlarestackException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      assertThat(e.getMessage()).contains("9223372036854775808").contains("int64");
    });
  }

  private static CallTree build(List<Stack> stacks) {
    CallTree t = new CallTree();
    for (Stack s : stacks) {
      t.addStack(s.frames(), s.value());
    }
    return t;
  }

  /** Every node's self and total equal the clamped exact sums over the stacks, times {@code copies}. */
  private static void assertExpected(CallTree t, List<Stack> stacks, int copies) {
    long[] totals = t.totals();
    for (int n = 1; n < t.size(); n++) {
      List<String> path = path(t, n);
      BigInteger self = BigInteger.ZERO;
      BigInteger total = BigInteger.ZERO;
      for (Stack s : stacks) {
        BigInteger v = BigInteger.valueOf(s.value()).multiply(BigInteger.valueOf(copies));
        if (s.frames().equals(path)) {
          self = self.add(v);
        }
        if (s.frames().size() >= path.size() && s.frames().subList(0, path.size()).equals(path)) {
          total = total.add(v);
        }
      }
      assertThat(t.self(n)).as("self of %s", path).isEqualTo(clamp(self));
      assertThat(totals[n]).as("total of %s", path).isEqualTo(clamp(total));
    }
  }

  /** A node's total is its self plus its children's totals, clamped. */
  static void assertConsistent(CallTree t) {
    long[] totals = t.totals();
    BigInteger[] sums = new BigInteger[t.size()];
    for (int n = 0; n < t.size(); n++) {
      sums[n] = BigInteger.valueOf(t.self(n));
    }
    for (int n = 1; n < t.size(); n++) {
      sums[t.parent(n)] = sums[t.parent(n)].add(BigInteger.valueOf(totals[n]));
    }
    for (int n = 0; n < t.size(); n++) {
      assertThat(totals[n]).as("node %d", n).isEqualTo(clamp(sums[n]));
    }
  }

  private static long totalOf(CallTree t, String... path) {
    long[] totals = t.totals();
    for (int n = 1; n < t.size(); n++) {
      if (path(t, n).equals(Arrays.asList(path))) {
        return totals[n];
      }
    }
    throw new AssertionError("no node " + Arrays.toString(path));
  }

  private static List<String> path(CallTree t, int node) {
    List<String> out = new ArrayList<>();
    for (int n = node; n > 0; n = t.parent(n)) {
      out.add(0, t.name(n));
    }
    return out;
  }

  private static long clamp(BigInteger v) {
    return v.min(BigInteger.valueOf(MAX)).longValueExact();
  }
}
