package io.flarestack.common.model.tree;

import io.flarestack.api.ingester.v1.FunctionTree;
import io.flarestack.common.model.Checkpoint;
import io.flarestack.common.model.SampleValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * A call tree keyed by function name: the merged form of many stacks, from which flame graphs,
 * Pyroscope's tree bytes and diffs are produced. Node 0 is the root (name "", Pyroscope's
 * "total"); every other node has a parent with a smaller index, so a single reverse pass
 * computes totals. Nodes and names live in flat arrays; building costs no allocation per
 * sample. Every sum saturates at {@code Long.MAX_VALUE} instead of wrapping ({@link
 * SampleValues}), so a tree merged from many profiles never shows a negative total and a node's
 * total is always the saturated sum of its self value and its children's totals. Not
 * thread-safe.
 */
public final class CallTree {
  /** The name given to the node that collects what truncation removed. */
  public static final String OTHER = "other";

  private final List<String> names = new ArrayList<>();
  private final Map<String, Integer> nameIds = new HashMap<>();
  private int[] nodeName;
  private int[] parent;
  private long[] self;
  private int size;
  private final LongIntMap children;

  public CallTree() {
    this(64);
  }

  public CallTree(int expectedNodes) {
    int cap = Math.max(4, expectedNodes);
    nodeName = new int[cap];
    parent = new int[cap];
    self = new long[cap];
    children = new LongIntMap(cap);
    nameId("");
    nodeName[0] = 0;
    parent[0] = -1;
    size = 1;
  }

  /** The root node's index. */
  public static int root() {
    return 0;
  }

  /** Interns a function name and returns its id in this tree. */
  public int nameId(String name) {
    Integer id = nameIds.get(name);
    if (id != null) {
      return id;
    }
    int n = names.size();
    names.add(name);
    nameIds.put(name, n);
    return n;
  }

  /** The child of {@code parentNode} with the given name id, created when absent. */
  public int child(int parentNode, int nameId) {
    long key = ((long) parentNode << 32) | (nameId & 0xffffffffL);
    int c = children.get(key);
    if (c >= 0) {
      return c;
    }
    if (size == nodeName.length) {
      int cap = size * 2;
      nodeName = Arrays.copyOf(nodeName, cap);
      parent = Arrays.copyOf(parent, cap);
      self = Arrays.copyOf(self, cap);
    }
    c = size++;
    nodeName[c] = nameId;
    parent[c] = parentNode;
    children.put(key, c);
    return c;
  }

  public int child(int parentNode, String name) {
    return child(parentNode, nameId(name));
  }

  /** Adds {@code value} to the node's self value (saturating). */
  public void addSelf(int node, long value) {
    self[node] = SampleValues.add(self[node], value);
  }

  /** Adds {@code value} to the stack given root first. */
  public void addStack(List<String> rootFirst, long value) {
    int n = 0;
    for (String frame : rootFirst) {
      n = child(n, frame);
    }
    self[n] = SampleValues.add(self[n], value);
  }

  /** Adds every node of {@code other} into this tree. */
  public void merge(CallTree other) {
    merge(other, Checkpoint.NONE);
  }

  /**
   * Adds every node of {@code other} into this tree, calling {@code checkpoint} per node; when it
   * throws, this tree holds part of {@code other} and should be dropped.
   */
  public void merge(CallTree other, Checkpoint checkpoint) {
    int[] map = new int[other.size];
    int[] nameMap = new int[other.names.size()];
    Arrays.fill(nameMap, -1);
    map[0] = 0;
    self[0] = SampleValues.add(self[0], other.self[0]);
    for (int i = 1; i < other.size; i++) {
      checkpoint.check();
      int on = other.nodeName[i];
      int nid = nameMap[on];
      if (nid < 0) {
        nid = nameId(other.names.get(on));
        nameMap[on] = nid;
      }
      int n = child(map[other.parent[i]], nid);
      map[i] = n;
      self[n] = SampleValues.add(self[n], other.self[i]);
    }
  }

  /** Number of nodes, the root included. */
  public int size() {
    return size;
  }

  public int parent(int node) {
    return parent[node];
  }

  public String name(int node) {
    return names.get(nodeName[node]);
  }

  public int nameIdOf(int node) {
    return nodeName[node];
  }

  public String nameById(int nameId) {
    return names.get(nameId);
  }

  public int nameCount() {
    return names.size();
  }

  public long self(int node) {
    return self[node];
  }

  /** Totals (self plus descendants, saturating) of every node, indexed by node. */
  public long[] totals() {
    long[] total = Arrays.copyOf(self, size);
    for (int i = size - 1; i > 0; i--) {
      total[parent[i]] = SampleValues.add(total[parent[i]], total[i]);
    }
    return total;
  }

  /** The sum of all values (saturating). */
  public long total() {
    long t = 0;
    for (int i = 0; i < size; i++) {
      t = SampleValues.add(t, self[i]);
    }
    return t;
  }

  /**
   * Children of every node, each list sorted by name (byte-wise, as Pyroscope orders siblings).
   * Index by node; leaves have an empty array.
   */
  public int[][] sortedChildren() {
    int[] counts = new int[size];
    for (int i = 1; i < size; i++) {
      counts[parent[i]]++;
    }
    int[][] out = new int[size][];
    for (int i = 0; i < size; i++) {
      out[i] = new int[counts[i]];
      counts[i] = 0;
    }
    for (int i = 1; i < size; i++) {
      int p = parent[i];
      out[p][counts[p]++] = i;
    }
    for (int[] c : out) {
      if (c.length > 1) {
        sortByName(c);
      }
    }
    return out;
  }

  private void sortByName(int[] nodes) {
    Integer[] boxed = new Integer[nodes.length];
    for (int i = 0; i < nodes.length; i++) {
      boxed[i] = nodes[i];
    }
    Arrays.sort(boxed, (a, b) -> compareUtf8(names.get(nodeName[a]), names.get(nodeName[b])));
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = boxed[i];
    }
  }

  /** Byte-wise UTF-8 order (Go's string order), which differs from UTF-16 order above U+FFFF. */
  public static int compareUtf8(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char ca = a.charAt(i);
      char cb = b.charAt(i);
      if (ca != cb) {
        boolean sa = Character.isSurrogate(ca);
        boolean sb = Character.isSurrogate(cb);
        if (sa != sb) {
          // A surrogate (code point >= U+10000) sorts after every BMP char in UTF-8.
          return sa ? 1 : -1;
        }
        return Character.compare(ca, cb);
      }
    }
    return Integer.compare(a.length(), b.length());
  }

  /**
   * The tree limited to about {@code maxNodes} nodes (root excluded): the threshold is the
   * {@code maxNodes}-th largest node total, and every node below it is folded into an
   * {@code other} child of its parent. Ties can keep slightly more nodes. Totals are preserved.
   * Returns this tree when nothing needs cutting.
   */
  public CallTree truncate(long maxNodes) {
    return truncate(maxNodes, Checkpoint.NONE);
  }

  /** {@link #truncate(long)}, calling {@code checkpoint} per node. */
  public CallTree truncate(long maxNodes, Checkpoint checkpoint) {
    if (maxNodes <= 0 || size - 1 <= maxNodes) {
      return this;
    }
    long[] total = totals();
    long threshold = nthLargest(total, (int) Math.min(maxNodes, Integer.MAX_VALUE), checkpoint);
    CallTree out = new CallTree((int) Math.min(size, maxNodes * 2 + 16));
    int otherName = -1;
    int[] map = new int[size];
    map[0] = 0;
    out.self[0] = self[0];
    for (int i = 1; i < size; i++) {
      checkpoint.check();
      int p = parent[i];
      if (map[p] < 0) {
        map[i] = -1;
        continue;
      }
      boolean keep = total[i] >= threshold || names.get(nodeName[i]).equals(OTHER);
      if (keep) {
        int n = out.child(map[p], out.nameId(names.get(nodeName[i])));
        out.self[n] = SampleValues.add(out.self[n], self[i]);
        map[i] = n;
      } else {
        if (otherName < 0) {
          otherName = out.nameId(OTHER);
        }
        int o = out.child(map[p], otherName);
        out.self[o] = SampleValues.add(out.self[o], total[i]);
        map[i] = -1;
      }
    }
    return out;
  }

  private long nthLargest(long[] total, int n, Checkpoint checkpoint) {
    PriorityQueue<Long> heap = new PriorityQueue<>(n + 1);
    for (int i = 1; i < size; i++) {
      checkpoint.check();
      long t = total[i];
      if (heap.size() < n) {
        heap.add(t);
      } else if (t > heap.peek()) {
        heap.poll();
        heap.add(t);
      }
    }
    return heap.isEmpty() ? 0 : heap.peek();
  }

  /** The wire form used between components. */
  public FunctionTree toProto() {
    FunctionTree.Builder b = FunctionTree.newBuilder().addAllNames(names);
    for (int i = 0; i < size; i++) {
      b.addName(nodeName[i]).addParent(parent[i]).addSelf(self[i]);
    }
    return b.build();
  }

  /**
   * Reads the wire form.
   *
   * @throws IllegalArgumentException when the arrays disagree in length, a parent does not
   *     precede its child, or a name index is out of range
   */
  public static CallTree fromProto(FunctionTree t) {
    return fromProto(t, Checkpoint.NONE);
  }

  /** {@link #fromProto(FunctionTree)}, calling {@code checkpoint} per node. */
  public static CallTree fromProto(FunctionTree t, Checkpoint checkpoint) {
    CallTree out = new CallTree(Math.max(4, t.getParentCount()));
    int n = t.getParentCount();
    if (n == 0) {
      return out;
    }
    if (t.getNameCount() != n || t.getSelfCount() != n) {
      throw new IllegalArgumentException("function tree arrays differ in length");
    }
    int[] nameMap = new int[t.getNamesCount()];
    for (int i = 0; i < nameMap.length; i++) {
      nameMap[i] = out.nameId(t.getNames(i));
    }
    int[] map = new int[n];
    out.self[0] = SampleValues.add(out.self[0], t.getSelf(0));
    for (int i = 1; i < n; i++) {
      checkpoint.check();
      int p = t.getParent(i);
      int nm = t.getName(i);
      if (p < 0 || p >= i || nm < 0 || nm >= nameMap.length) {
        throw new IllegalArgumentException("malformed function tree at node " + i);
      }
      int c = out.child(map[p], nameMap[nm]);
      map[i] = c;
      out.self[c] = SampleValues.add(out.self[c], t.getSelf(i));
    }
    return out;
  }
}
