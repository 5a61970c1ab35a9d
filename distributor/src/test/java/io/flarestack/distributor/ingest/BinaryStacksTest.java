package io.flarestack.distributor.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.errors.TooLargeException;
import io.flarestack.common.io.MemoryBudget;
import io.flarestack.common.io.RequestMemory;
import io.grpc.Context;
import io.flarestack.distributor.testing.LegacyEncodings;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

class BinaryStacksTest {
  private static final Map<String, Long> STACKS = Map.of(
      "main;work;fib", 300L,
      "main;work", 20L,
      "main;idle", 7L,
      "main;übersetzen;€", 2L,
      "other", 1L);

  @Test
  void trieOfOneByteFragmentsGivesBackEveryKeyIncludingSplitUtf8() {
    assertThat(BinaryStacks.parseTrie(LegacyEncodings.trie(STACKS), 1 << 20, 1 << 20)).isEqualTo(STACKS);
  }

  @Test
  void compressedTrieConcatenatesFragments() {
    // root "" -> "a;" -> { "b" (1) -> ";c" (2) ; "d" (3) }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    node(out, "", 0, 1);
    node(out, "a;", 0, 2);
    node(out, "b", 1, 1);
    node(out, ";c", 2, 0);
    node(out, "d", 3, 0);
    assertThat(BinaryStacks.parseTrie(out.toByteArray(), 1 << 20, 1 << 20)).containsExactly(
        Map.entry("a;b", 1L), Map.entry("a;b;c", 2L), Map.entry("a;d", 3L));
  }

  @Test
  void treeGivesBackEveryStackWithItsSelfValue() {
    assertThat(BinaryStacks.parseTree(LegacyEncodings.tree(STACKS), 65535, 16000, 1 << 20)).isEqualTo(STACKS);
  }

  @Test
  void truncatedOrTrailingBodiesAreRejectedWithTheirOffset() {
    byte[] trie = LegacyEncodings.trie(STACKS);
    assertThatThrownBy(() -> BinaryStacks.parseTrie(Arrays.copyOf(trie, trie.length - 3), 1 << 20, 1 << 20))
        .isInstanceOf(FlarestackException.class).hasMessageContaining("malformed trie body");
    byte[] tree = LegacyEncodings.tree(STACKS);
    assertThatThrownBy(() -> BinaryStacks.parseTree(Arrays.copyOf(tree, tree.length + 2), 65535, 16000, 1 << 20))
        .hasMessageContaining("malformed tree body: 2 bytes follow the end of the tree");
    assertThatThrownBy(() -> BinaryStacks.parseTree(new byte[] {(byte) 0xff, (byte) 0xff}, 65535, 16000, 1 << 20))
        .hasMessageContaining("malformed tree body: the body ends inside the frame name length at offset 0");
    assertThatThrownBy(() -> BinaryStacks.parseTrie(new byte[0], 100, 100))
        .hasMessageContaining("the body ends before the trie is complete");
  }

  @Test
  void treeLimitsNameLengthAndChildren() {
    assertThatThrownBy(() -> BinaryStacks.parseTree(LegacyEncodings.tree(Map.of("x".repeat(40), 1L)), 32, 16000,
        1 << 20))
        .hasMessageContaining("is 40 bytes long; the limit is 32");
    assertThatThrownBy(() -> BinaryStacks.parseTree(LegacyEncodings.tree(STACKS), 65535, 1, 1 << 20))
        .hasMessageContaining("children; the limit is 1 (max_profile_stacktrace_samples)");
  }

  @Test
  void aChainOfNodesWithValuesCannotExpandPastTheLimit() {
    // n nested one-byte nodes, each with a value: n stacks of 1..n bytes, n * (n + 1) / 2 in all
    int n = 20_000;
    ByteArrayOutputStream trie = new ByteArrayOutputStream();
    node(trie, "", 0, 1);
    ByteArrayOutputStream tree = new ByteArrayOutputStream();
    node(tree, "", 0, 1);
    for (int i = 0; i < n; i++) {
      node(trie, "a", 1, i == n - 1 ? 0 : 1);
      node(tree, "a", 1, i == n - 1 ? 0 : 1);
    }
    long expanded = (long) n * (n + 1) / 2; // trie keys; tree stacks also have the ';' separators
    assertThat(trie.size()).isLessThan(100_000);
    assertThatThrownBy(() -> BinaryStacks.parseTrie(trie.toByteArray(), trie.size(), 1 << 20))
        .isInstanceOf(FlarestackException.class)
        .hasMessage("malformed trie body: its stacks add up to more than 1048576 bytes, the limit for an upload"
            + " (-distributor.ingestion-body-limit-mb (limits.ingestion_body_limit_mb))");
    assertThatThrownBy(() -> BinaryStacks.parseTree(tree.toByteArray(), 100, 100, 1 << 20))
        .hasMessageStartingWith("malformed tree body: its stacks add up to more than 1048576 bytes");
    // within the limit the same chain reads completely
    assertThat(BinaryStacks.parseTrie(trie.toByteArray(), trie.size(), expanded)).hasSize(n);
  }

  @Test
  void invalidUtf8NamesAreRejected() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    node(out, "", 0, 1);
    LegacyEncodings.uvarint(out, 1);
    out.write(0xc3);
    LegacyEncodings.uvarint(out, 5);
    LegacyEncodings.uvarint(out, 0);
    assertThatThrownBy(() -> BinaryStacks.parseTree(out.toByteArray(), 100, 100, 1 << 20))
        .hasMessageContaining("not valid UTF-8");
  }

  // A long name, then a chain of one-byte nodes below it, each with a value: every node spells a
  // stack as long as the chain above it, so the stacks grow with the square of the body.
  private static byte[] chainBelowALongName(int chain) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    node(out, "", 0, 1);
    node(out, "a".repeat(20_000), 1, 1);
    for (int i = 0; i < chain; i++) {
      node(out, "b", 1, i == chain - 1 ? 0 : 1);
    }
    return out.toByteArray();
  }

  @Test
  void stacksAreReservedFromTheRequestMemorySoASmallBodyCannotExpandIntoGigabytes() {
    // Found with the fuzz test's allocation check: 100 KB of trie or tree spelled 400 MB of stacks
    // (20 000 stacks of 20 KB) and 2.3 GB of allocation, unreserved; a 1 MB body, 40 GB.
    byte[] body = chainBelowALongName(20_000);
    assertThat(body.length).isLessThan(100_100);
    assertThatThrownBy(() -> within(64 << 20, () -> BinaryStacks.parseTrie(body, body.length, Long.MAX_VALUE)))
        .isInstanceOf(TooLargeException.class).hasMessageContaining("for the stacks of the trie body")
        .hasMessageContaining("(67108864 bytes in all, -server.max-inflight-request-bytes)");
    assertThatThrownBy(() -> within(64 << 20, () -> BinaryStacks.parseTree(body, 65535, 16000, Long.MAX_VALUE)))
        .isInstanceOf(TooLargeException.class).hasMessageContaining("for the stacks of the tree body");
  }

  @Test
  void whatTheStacksHoldIsReserved() throws Exception {
    long chars = 0;
    for (String s : STACKS.keySet()) {
      chars += s.length();
    }
    long expected = 2 * chars;
    try (RequestMemory m = new MemoryBudget(1 << 20).open()) {
      assertThat(m.attachTo(Context.ROOT).call(() -> BinaryStacks.parseTree(LegacyEncodings.tree(STACKS), 100, 100, Long.MAX_VALUE)))
          .isEqualTo(STACKS);
      assertThat(m.held()).isGreaterThanOrEqualTo(expected);
    }
  }

  private static <T> T within(long bytes, Callable<T> decode) throws Exception {
    try (RequestMemory m = new MemoryBudget(bytes).open()) {
      return m.attachTo(Context.ROOT).call(decode);
    }
  }

  private static void node(ByteArrayOutputStream out, String name, long value, long children) {
    byte[] b = name.getBytes(StandardCharsets.UTF_8);
    LegacyEncodings.uvarint(out, b.length);
    out.writeBytes(b);
    LegacyEncodings.uvarint(out, value);
    LegacyEncodings.uvarint(out, children);
  }
}
