package io.flarestack.common.model.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TreeBytesTest {
  @Test
  void encodesAsTheSpecDescribes() {
    CallTree t = TreeFixtures.tree("main;a=3", "main;b=2");
    // Virtual root (""; self 0; 1 child), main (self 0; 2 children), then siblings in reverse
    // name order: b (self 2), a (self 3).
    byte[] expected = bytes(node("", 0, 1), node("main", 0, 2), node("b", 2, 0), node("a", 3, 0));
    assertThat(TreeBytes.marshal(t, 0)).containsExactly(expected);
  }

  @Test
  void decodesHandEncodedBytesWhateverTheSiblingOrder() {
    byte[] forward =
        bytes(node("", 0, 2), node("main", 1, 2), node("a", 3, 0), node("b", 2, 1), node("c", 4, 0), node("x", 5, 0));
    CallTree t = TreeBytes.unmarshal(forward);
    assertThat(TreeFixtures.selfByPath(t))
        .containsOnly(
            entry("main", 1), entry("main\0a", 3), entry("main\0b", 2), entry("main\0b\0c", 4), entry("x", 5));
    assertThat(t.total()).isEqualTo(15);
  }

  @Test
  void virtualRootNameAndSelfAreIgnored() {
    CallTree t = TreeBytes.unmarshal(bytes(node("junk", 7, 1), node("a", 3, 0)));
    assertThat(TreeFixtures.selfByPath(t)).containsOnly(entry("a", 3));
    assertThat(t.self(0)).isZero();
  }

  @Test
  void duplicateSiblingsAreMerged() {
    CallTree t = TreeBytes.unmarshal(bytes(node("", 0, 2), node("a", 3, 0), node("a", 4, 0)));
    assertThat(TreeFixtures.selfByPath(t)).containsOnly(entry("a", 7));
  }

  @Test
  void emptyTreeIsEmptyBytesAndShortInputIsAnEmptyTree() {
    assertThat(TreeBytes.marshal(new CallTree(), 0)).isEmpty();
    assertThat(TreeBytes.unmarshal(new byte[0]).size()).isEqualTo(1);
    assertThat(TreeBytes.unmarshal(new byte[] {5}).size()).isEqualTo(1);
  }

  @Test
  void roundTripsRandomTrees() {
    for (long seed = 0; seed < 50; seed++) {
      CallTree t = TreeFixtures.random(seed, 1 + (int) seed * 10, 1 + (int) (seed % 12));
      CallTree back = TreeBytes.unmarshal(TreeBytes.marshal(t, 0));
      assertThat(TreeFixtures.selfByPath(back)).as("seed %d", seed).isEqualTo(TreeFixtures.selfByPath(t));
    }
  }

  @Test
  void truncationAgreesWithCallTreeTruncate() {
    for (long seed = 0; seed < 40; seed++) {
      CallTree t = TreeFixtures.random(seed, 300, 8);
      for (long maxNodes : new long[] {1, 5, 20, 100, 1000}) {
        CallTree back = TreeBytes.unmarshal(TreeBytes.marshal(t, maxNodes));
        assertThat(TreeFixtures.selfByPath(back))
            .as("seed %d maxNodes %d", seed, maxNodes)
            .isEqualTo(TreeFixtures.selfByPath(t.truncate(maxNodes)));
        assertThat(back.total()).isEqualTo(t.total());
      }
    }
  }

  @Test
  void truncationFoldsSmallChildrenIntoOther() {
    CallTree t = TreeFixtures.tree("main;a=3", "main;b=2", "main;c=1");
    // 4 nodes, budget 3: the threshold is the 3rd largest total (2), so c goes into "other",
    // which sorts between c and main and is written first (reverse order): other, b, a.
    byte[] expected =
        bytes(node("", 0, 1), node("main", 0, 3), node("other", 1, 0), node("b", 2, 0), node("a", 3, 0));
    assertThat(TreeBytes.marshal(t, 3)).containsExactly(expected);
  }

  @Test
  void existingOtherChildAbsorbsFoldedValues() {
    CallTree t = TreeFixtures.tree("m;a=5", "m;other=1", "m;z=1", "m;y=1");
    // Nodes: m 8, a 5, other 1, z 1, y 1. Budget 2 -> threshold 5: y and z fold into "other".
    byte[] expected = bytes(node("", 0, 1), node("m", 0, 2), node("other", 3, 0), node("a", 5, 0));
    assertThat(TreeBytes.marshal(t, 2)).containsExactly(expected);
  }

  @Test
  void deepStacksNeedNoRecursion() {
    CallTree t = TreeFixtures.deep(20_000, 3);
    CallTree back = TreeBytes.unmarshal(TreeBytes.marshal(t, 0));
    assertThat(back.size()).isEqualTo(20_001);
    TreeFixtures.assertSameChain(back, 20_000, 3);
  }

  @Test
  void everyTruncatedPrefixIsRejected() {
    byte[] good = TreeBytes.marshal(TreeFixtures.tree("main;a=3", "main;b=2", "x=300"), 0);
    for (int n = 2; n < good.length; n++) {
      byte[] prefix = Arrays.copyOf(good, n);
      assertThatThrownBy(() -> TreeBytes.unmarshal(prefix))
          .as("prefix of %d bytes", n)
          .isInstanceOfSatisfying(
              FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
          .hasMessageStartingWith("malformed tree bytes");
    }
  }

  @Test
  void rejectsTrailingBytesHugeCountsLongNamesAndOverflowingVarints() {
    byte[] good = TreeBytes.marshal(TreeFixtures.tree("a=1"), 0);
    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    assertInvalid(trailing, "unexpected bytes after the last node");
    // Root claiming 2^40 children.
    assertInvalid(new byte[] {0, 0, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x20}, "child count");
    // Name length beyond the input.
    assertInvalid(new byte[] {0, 0, 1, 100, 'a', 0, 0}, "name length 100");
    byte[] overflow = new byte[13];
    Arrays.fill(overflow, 0, 12, (byte) 0xff);
    assertInvalid(overflow, "varint");
  }

  private static void assertInvalid(byte[] b, String message) {
    assertThatThrownBy(() -> TreeBytes.unmarshal(b))
        .isInstanceOfSatisfying(
            FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining(message);
  }

  private static java.util.Map.Entry<String, Long> entry(String path, long v) {
    return java.util.Map.entry(path, v);
  }

  /** One node as the spec writes it: uvarint(len) name uvarint(self) uvarint(children). */
  static byte[] node(String name, long self, long children) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    uvarint(out, n.length);
    out.writeBytes(n);
    uvarint(out, self);
    uvarint(out, children);
    return out.toByteArray();
  }

  static byte[] bytes(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static void uvarint(ByteArrayOutputStream out, long v) {
    while (v >= 0x80) {
      out.write((int) (v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write((int) v);
  }
}
