package io.flarestack.distributor.ingest;

import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.io.RequestMemory;
import io.flarestack.common.limits.Limits;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The binary upload formats of older agents (pyroscope-api.md §5.3), read into the same
 * stacks-with-counts as the text formats, so they share the text-to-pprof conversion.
 *
 * <ul>
 *   <li><b>trie</b> (Pyroscope's transport trie): nodes in pre-order, each
 *       {@code uvarint(len) name uvarint(value) uvarint(childCount)}; a name is a fragment of the
 *       key, the key of a node is the concatenation of the fragments from the root, and every
 *       node with a value above 0 contributes its key (a {@code ;}-joined stack) with that value.
 *   <li><b>tree</b> (the legacy call tree): nodes in pre-order, each
 *       {@code uvarint(len) name uvarint(self) uvarint(childCount)}; the first node is the
 *       unnamed root, every other node is a frame, and a node with self value above 0
 *       contributes the stack of frame names from below the root down to it.
 * </ul>
 *
 * Both must hold exactly one root and nothing after it. Both formats share prefixes, so a small
 * body can stand for a great many stack bytes (a chain of n nodes with values is n stacks of
 * lengths 1..n): the stacks read are bounded by {@code maxStackBytes} in total, the same bound
 * as the body a client could have sent them in as text. Stateless.
 */
public final class BinaryStacks {
  private BinaryStacks() {}

  /**
   * Reads a trie body.
   *
   * @param maxKeyLength the longest stack, in bytes
   * @param maxStackBytes the most bytes all stacks read may add up to
   * @throws FlarestackException invalid_argument naming what is malformed and where, or the limit
   */
  public static Map<String, Long> parseTrie(byte[] body, int maxKeyLength, long maxStackBytes) {
    Uvarints in = new Uvarints(body, "trie");
    Map<String, Long> stacks = new LinkedHashMap<>();
    Budget budget = new Budget("trie", maxStackBytes);
    RequestMemory memory = RequestMemory.current();
    KeyBytes key = new KeyBytes();
    Deque<long[]> open = new ArrayDeque<>(); // {children left, key length before the node}
    boolean rootDone = false;
    while (!rootDone) {
      if (!in.hasMore()) {
        throw in.invalid("the body ends before the trie is complete (%d nodes still expect children)", open.size());
      }
      int nodeAt = in.position();
      int nameAt = in.bytes("node name", maxKeyLength);
      int nameLen = in.position() - nameAt;
      long value = in.next("node value");
      long children = in.next("child count");
      int keyStart = key.length;
      if (keyStart + nameLen > maxKeyLength) {
        throw in.invalid("the key of the node at offset %d is longer than %d bytes", nodeAt, maxKeyLength);
      }
      key.append(body, nameAt, nameLen);
      if (value > 0) {
        budget.spend(key.length);
        reserve(memory, key.length, "trie");
        add(stacks, utf8(Arrays.copyOf(key.bytes, key.length), in, nodeAt), value);
      }
      if (children > 0) {
        open.push(new long[] {children, keyStart});
        continue;
      }
      key.length = keyStart;
      rootDone = closeFinished(open, n -> key.length = n);
    }
    if (in.hasMore()) {
      throw in.invalid("%d bytes follow the end of the trie at offset %d", body.length - in.position(), in.position());
    }
    return stacks;
  }

  /**
   * Reads a tree body.
   *
   * @param maxNameLength the longest frame name, in bytes
   * @param maxChildren the most children one node may have
   * @param maxStackBytes the most bytes (characters) all stacks read may add up to
   * @throws FlarestackException invalid_argument naming what is malformed and where, or the limit
   */
  public static Map<String, Long> parseTree(byte[] body, int maxNameLength, int maxChildren, long maxStackBytes) {
    Uvarints in = new Uvarints(body, "tree");
    Map<String, Long> stacks = new LinkedHashMap<>();
    Budget budget = new Budget("tree", maxStackBytes);
    RequestMemory memory = RequestMemory.current();
    StringBuilder stack = new StringBuilder();
    Deque<long[]> open = new ArrayDeque<>(); // {children left, stack length before the node}
    boolean root = true;
    boolean rootDone = false;
    while (!rootDone) {
      if (!in.hasMore()) {
        throw in.invalid("the body ends before the tree is complete (%d nodes still expect children)", open.size());
      }
      int nodeAt = in.position();
      int nameAt = in.bytes("frame name", maxNameLength);
      String name = utf8(Arrays.copyOfRange(body, nameAt, in.position()), in, nodeAt);
      long self = in.next("self value");
      long children = in.next("child count");
      if (children > maxChildren) {
        throw in.invalid("the node at offset %d has %d children; the limit is %d (max_profile_stacktrace_samples)",
            nodeAt, children, maxChildren);
      }
      int before = stack.length();
      if (!root) {
        stack.append(before == 0 ? "" : ";").append(name);
        if (self > 0) {
          budget.spend(stack.length());
          reserve(memory, stack.length(), "tree");
          add(stacks, stack.toString(), self);
        }
      }
      root = false;
      if (children > 0) {
        open.push(new long[] {children, before});
        continue;
      }
      stack.setLength(before);
      rootDone = closeFinished(open, stack::setLength);
    }
    if (in.hasMore()) {
      throw in.invalid("%d bytes follow the end of the tree at offset %d", body.length - in.position(), in.position());
    }
    return stacks;
  }

  /** Counts a finished leaf against its ancestors; true when the root itself is finished. */
  private static boolean closeFinished(Deque<long[]> open, IntConsumer truncateTo) {
    while (!open.isEmpty()) {
      long[] top = open.peek();
      if (--top[0] > 0) {
        return false;
      }
      open.pop();
      truncateTo.accept((int) top[1]);
    }
    return true;
  }

  /** The stack bytes a body may still expand to. */
  /** What keeping one stack costs besides its characters: the string, its map entry and value. */
  private static final long STACK_OVERHEAD = 96;

  // Every stack is also charged to the request's memory as it is made (2 bytes a character,
  // UTF-16 at worst): in a well-formed body each node spells a different stack.
  private static void reserve(RequestMemory memory, long chars, String format) {
    memory.reserve(STACK_OVERHEAD + 2 * chars, "the stacks of the " + format + " body");
  }

  private static final class Budget {
    private final String format;
    private final long limit;
    private long spent;

    Budget(String format, long limit) {
      this.format = format;
      this.limit = limit;
    }

    void spend(long bytes) {
      spent += bytes;
      if (spent > limit) {
        throw FlarestackException.invalidArgument(
            "malformed %s body: its stacks add up to more than %d bytes, the limit for an upload (%s)", format, limit,
            Limits.INGESTION_BODY_LIMIT.describe());
      }
    }
  }

  /** The bytes of the current trie key. */
  private static final class KeyBytes {
    byte[] bytes = new byte[256];
    int length;

    void append(byte[] src, int from, int n) {
      if (length + n > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
      }
      System.arraycopy(src, from, bytes, length, n);
      length += n;
    }
  }

  private static void add(Map<String, Long> stacks, String stack, long value) {
    stacks.merge(stack, value, (a, b) -> {
      try {
        return Math.addExact(a, b);
      } catch (ArithmeticException e) {
        throw FlarestackException.invalidArgument("the values of stack %s add up to more than %d",
            stack.length() <= 80 ? stack : stack.substring(0, 80) + "...", Long.MAX_VALUE);
      }
    });
  }

  private static String utf8(byte[] bytes, Uvarints in, int nodeAt) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw in.invalid("the name of the node at offset %d is not valid UTF-8", nodeAt);
    }
  }
}
