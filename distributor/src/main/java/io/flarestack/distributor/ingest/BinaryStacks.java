package io.flarestack.distributor.ingest;

import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.io.RequestMemory;
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
 * Both must hold exactly one root and nothing after it. Every stack is reserved from the request's
 * {@link RequestMemory} before it is kept: a body of nested nodes spells stacks whose total length
 * grows with the square of the body (a chain of n nodes below a long name), so a small body could
 * otherwise expand into gigabytes. Stateless.
 */
public final class BinaryStacks {
  /** What keeping one stack costs besides its characters: the string, its map entry and value. */
  private static final long STACK_OVERHEAD = 96;

  private BinaryStacks() {}

  /**
   * Reads a trie body.
   *
   * @param maxKeyLength the longest stack, in bytes
   * @throws FlarestackException invalid_argument naming what is malformed and where; what
   *     {@link RequestMemory#reserve} throws when the stacks do not fit the request's memory
   */
  public static Map<String, Long> parseTrie(byte[] body, int maxKeyLength) {
    Uvarints in = new Uvarints(body, "trie");
    RequestMemory memory = RequestMemory.current();
    Map<String, Long> stacks = new LinkedHashMap<>();
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
   * @throws FlarestackException invalid_argument naming what is malformed and where; what
   *     {@link RequestMemory#reserve} throws when the stacks do not fit the request's memory
   */
  public static Map<String, Long> parseTree(byte[] body, int maxNameLength, int maxChildren) {
    Uvarints in = new Uvarints(body, "tree");
    RequestMemory memory = RequestMemory.current();
    Map<String, Long> stacks = new LinkedHashMap<>();
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

  // Every stack is charged as it is made (2 bytes a character, UTF-16 at worst): in a well-formed
  // body each node spells a different stack, so that is what the result holds.
  private static void reserve(RequestMemory memory, long chars, String format) {
    memory.reserve(STACK_OVERHEAD + 2 * chars, "the stacks of the " + format + " body");
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
