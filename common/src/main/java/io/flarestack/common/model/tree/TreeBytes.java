package io.flarestack.common.model.tree;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.SampleValues;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Pyroscope's {@code PROFILE_FORMAT_TREE} bytes ({@code pkg/model/tree.go}, {@code
 * MarshalTruncate} / {@code UnmarshalTree}). Pre-order, starting with a virtual root (empty name,
 * self 0); per node {@code uvarint(len(name))}, the UTF-8 name, {@code uvarint(self)}, {@code
 * uvarint(childCount)}, then the children. Siblings are written in reverse byte-wise name order,
 * as Pyroscope does; the reader does not depend on it. Stateless and thread-safe.
 */
public final class TreeBytes {
  private static final byte[] OTHER = CallTree.OTHER.getBytes(StandardCharsets.UTF_8);
  private static final int VIRTUAL_ROOT = 0;
  private static final int SYNTHETIC_OTHER = -1;

  private TreeBytes() {}

  /**
   * The tree in Pyroscope's format, limited to about {@code maxNodes} nodes ({@code <= 0}: no
   * limit) with {@link NodeBudget}'s rule: children below the threshold are folded into an
   * {@code other} child (an existing {@code other} child absorbs them). An empty tree gives an
   * empty array. Nodes with total 0 and the root's own self value are not written (see {@link
   * SortedTree}). The input is not modified.
   */
  public static byte[] marshal(CallTree tree, long maxNodes) {
    requireNonNull(tree, "tree is null");
    SortedTree st = SortedTree.of(tree);
    if (st.childCount(0) == 0) {
      return new byte[0];
    }
    long minTotal = NodeBudget.minTotal(st.nodeTotals(), st.liveNodes(), maxNodes);
    int otherName = nameIdOf(tree, CallTree.OTHER);
    byte[][] nameBytes = new byte[tree.nameCount()][];
    ByteSink out = new ByteSink(Math.max(64, st.liveNodes() * 8));
    // Explicit stack (deep stacks are common): node, plus self folded into an "other" node.
    int[] stackNode = new int[64];
    long[] stackExtra = new long[64];
    int sp = 0;
    stackNode[sp] = VIRTUAL_ROOT;
    stackExtra[sp++] = 0;
    while (sp > 0) {
      sp--;
      int node = stackNode[sp];
      long extra = stackExtra[sp];
      if (node == VIRTUAL_ROOT) {
        out.uvarint(0);
        out.uvarint(0);
      } else if (node == SYNTHETIC_OTHER) {
        out.uvarint(OTHER.length);
        out.write(OTHER);
        out.uvarint(extra);
        out.uvarint(0);
        continue;
      } else {
        int nid = st.nameId(node);
        byte[] name = nameBytes[nid];
        if (name == null) {
          name = tree.nameById(nid).getBytes(StandardCharsets.UTF_8);
          nameBytes[nid] = name;
        }
        out.uvarint(name.length);
        out.write(name);
        out.uvarint(SampleValues.add(st.self(node), extra));
      }
      int n = st.childCount(node);
      long folded = 0;
      int kept = 0;
      boolean keptOther = false;
      for (int i = 0; i < n; i++) {
        int c = st.child(node, i);
        boolean isOther = st.nameId(c) == otherName;
        if (st.total(c) >= minTotal || isOther) {
          kept++;
          keptOther |= isOther;
        } else {
          folded = SampleValues.add(folded, st.total(c));
        }
      }
      boolean synthetic = folded > 0 && !keptOther;
      out.uvarint(kept + (synthetic ? 1 : 0));
      int need = sp + kept + 1;
      if (need > stackNode.length) {
        int cap = Math.max(need, stackNode.length * 2);
        stackNode = Arrays.copyOf(stackNode, cap);
        stackExtra = Arrays.copyOf(stackExtra, cap);
      }
      // Pushed in name order so they are written in reverse name order, as Pyroscope does.
      boolean pending = synthetic;
      for (int i = 0; i < n; i++) {
        int c = st.child(node, i);
        boolean isOther = st.nameId(c) == otherName;
        if (st.total(c) < minTotal && !isOther) {
          continue;
        }
        if (pending && CallTree.compareUtf8(CallTree.OTHER, st.name(c)) < 0) {
          stackNode[sp] = SYNTHETIC_OTHER;
          stackExtra[sp++] = folded;
          pending = false;
        }
        stackNode[sp] = c;
        stackExtra[sp++] = isOther && folded > 0 ? folded : 0;
      }
      if (pending) {
        stackNode[sp] = SYNTHETIC_OTHER;
        stackExtra[sp++] = folded;
      }
    }
    return out.toByteArray();
  }

  /**
   * Reads Pyroscope's tree bytes. Fewer than 2 bytes give an empty tree (as in Pyroscope). The
   * virtual root's name and self are ignored; siblings with the same name are merged.
   *
   * @throws FlarestackException {@code INVALID_ARGUMENT} when the bytes are truncated, a varint
   *     overflows, a node's value exceeds {@code Long.MAX_VALUE}, a length or child count exceeds
   *     what the remaining bytes can hold, or bytes follow the last node
   */
  public static CallTree unmarshal(byte[] bytes) {
    requireNonNull(bytes, "bytes is null");
    if (bytes.length < 2) {
      return new CallTree();
    }
    Reader in = new Reader(bytes);
    CallTree out = new CallTree(Math.max(16, bytes.length / 16));
    // Virtual root: its name and self carry nothing.
    long len = in.uvarint();
    in.skip(len);
    in.uvarint();
    long rootChildren = in.uvarint();
    NameTable names = new NameTable(out);
    int[] stackParent = new int[64];
    long[] stackLeft = new long[64];
    int sp = 0;
    long pending = 0;
    if (rootChildren > 0) {
      pending = checkPending(in, 0, rootChildren);
      stackParent[sp] = CallTree.root();
      stackLeft[sp++] = rootChildren;
    }
    while (sp > 0) {
      int parent = stackParent[sp - 1];
      if (--stackLeft[sp - 1] == 0) {
        sp--;
      }
      pending--;
      len = in.uvarint();
      int nameId = in.name(len, names);
      long self = in.uvarint();
      if (self < 0) {
        throw malformed("value %s before offset %d exceeds the int64 range", Long.toUnsignedString(self), in.offset());
      }
      long childCount = in.uvarint();
      int node = out.child(parent, nameId);
      out.addSelf(node, self);
      if (childCount > 0) {
        pending = checkPending(in, pending, childCount);
        if (sp == stackParent.length) {
          stackParent = Arrays.copyOf(stackParent, sp * 2);
          stackLeft = Arrays.copyOf(stackLeft, sp * 2);
        }
        stackParent[sp] = node;
        stackLeft[sp++] = childCount;
      }
    }
    if (in.remaining() > 0) {
      throw malformed("%d unexpected bytes after the last node", in.remaining());
    }
    return out;
  }

  // Every node takes at least 3 bytes, which bounds what a hostile child count can make us hold.
  private static long checkPending(Reader in, long pending, long more) {
    long total = pending + more;
    if (more < 0 || total < 0 || total > in.remaining() / 3) {
      throw malformed(
          "child count %s at offset %d exceeds what the remaining %d bytes can hold",
          Long.toUnsignedString(more), in.offset(), in.remaining());
    }
    return total;
  }

  private static int nameIdOf(CallTree tree, String name) {
    for (int i = 0; i < tree.nameCount(); i++) {
      if (tree.nameById(i).equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static FlarestackException malformed(String format, Object... args) {
    return FlarestackException.invalidArgument("malformed tree bytes: " + format, args);
  }

  private static final class Reader {
    private final byte[] b;
    private int pos;

    Reader(byte[] b) {
      this.b = b;
    }

    int offset() {
      return pos;
    }

    int remaining() {
      return b.length - pos;
    }

    long uvarint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= b.length) {
          throw malformed("truncated varint at offset %d", pos);
        }
        int c = b[pos++] & 0xff;
        if (shift == 63 && c > 1) {
          throw malformed("varint overflows 64 bits at offset %d", pos - 1);
        }
        v |= (long) (c & 0x7f) << shift;
        if (c < 0x80) {
          return v;
        }
      }
      throw malformed("varint longer than 10 bytes at offset %d", pos);
    }

    void skip(long len) {
      check(len);
      pos += (int) len;
    }

    int name(long len, NameTable names) {
      check(len);
      int id = names.id(b, pos, (int) len);
      pos += (int) len;
      return id;
    }

    private void check(long len) {
      if (len < 0 || len > remaining()) {
        throw malformed(
            "name length %s at offset %d exceeds the remaining %d bytes",
            Long.toUnsignedString(len), pos, remaining());
      }
    }
  }

  /**
   * Name ids of a tree by UTF-8 bytes, so that reading a node allocates nothing unless its name
   * is new to the tree.
   */
  private static final class NameTable {
    private final CallTree tree;
    private byte[][] keys = new byte[64][];
    private int[] ids = new int[64];
    private int size;

    NameTable(CallTree tree) {
      this.tree = tree;
    }

    int id(byte[] b, int off, int len) {
      int h = 0x811c9dc5;
      for (int i = off; i < off + len; i++) {
        h = (h ^ b[i]) * 0x01000193;
      }
      int mask = keys.length - 1;
      int i = (h ^ (h >>> 16)) & mask;
      while (keys[i] != null) {
        if (Arrays.equals(keys[i], 0, keys[i].length, b, off, off + len)) {
          return ids[i];
        }
        i = (i + 1) & mask;
      }
      int id = tree.nameId(new String(b, off, len, StandardCharsets.UTF_8));
      keys[i] = Arrays.copyOfRange(b, off, off + len);
      ids[i] = id;
      if (++size * 2 > keys.length) {
        grow();
      }
      return id;
    }

    private void grow() {
      byte[][] oldKeys = keys;
      int[] oldIds = ids;
      keys = new byte[oldKeys.length * 2][];
      ids = new int[oldKeys.length * 2];
      int mask = keys.length - 1;
      for (int k = 0; k < oldKeys.length; k++) {
        byte[] key = oldKeys[k];
        if (key == null) {
          continue;
        }
        int h = 0x811c9dc5;
        for (byte x : key) {
          h = (h ^ x) * 0x01000193;
        }
        int i = (h ^ (h >>> 16)) & mask;
        while (keys[i] != null) {
          i = (i + 1) & mask;
        }
        keys[i] = key;
        ids[i] = oldIds[k];
      }
    }
  }

  private static final class ByteSink {
    private byte[] buf;
    private int size;

    ByteSink(int capacity) {
      buf = new byte[capacity];
    }

    void uvarint(long v) {
      ensure(10);
      while ((v & ~0x7fL) != 0) {
        buf[size++] = (byte) ((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      buf[size++] = (byte) v;
    }

    void write(byte[] bytes) {
      ensure(bytes.length);
      System.arraycopy(bytes, 0, buf, size, bytes.length);
      size += bytes.length;
    }

    private void ensure(int n) {
      if (size + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
      }
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, size);
    }
  }
}
