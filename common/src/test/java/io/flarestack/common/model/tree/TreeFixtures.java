package io.flarestack.common.model.tree;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Trees for tests, and a shape-independent view of a tree to compare against. */
public final class TreeFixtures {
  private static final String[] NAMES = {
    "main", "a", "b", "c", "other", "total", "", "zeta", "Äpfel", "\uD83D\uDE00emoji", "ünï", "x;y",
    "runtime.mallocgc", "java/lang/Thread.run", "B", "aa"
  };

  private TreeFixtures() {}

  /** A tree from {@code stack=value} lines; frames root first, separated by ';'. */
  public static CallTree tree(String... stacks) {
    CallTree t = new CallTree();
    for (String s : stacks) {
      int eq = s.lastIndexOf('=');
      t.addStack(Arrays.asList(s.substring(0, eq).split(";", -1)), Long.parseLong(s.substring(eq + 1)));
    }
    return t;
  }

  /** A random tree with up to {@code stacks} stacks of depth 1..maxDepth, positive values. */
  public static CallTree random(long seed, int stacks, int maxDepth) {
    return random(seed, stacks, maxDepth, NAMES);
  }

  /** As {@link #random(long, int, int)}, without functions named "other" (flame graphs fold them). */
  public static CallTree randomWithoutOther(long seed, int stacks, int maxDepth) {
    return randomExcluding(seed, stacks, maxDepth, "other");
  }

  /** As {@link #random(long, int, int)}, without the given function names. */
  public static CallTree randomExcluding(long seed, int stacks, int maxDepth, String... excluded) {
    List<String> ex = Arrays.asList(excluded);
    return random(seed, stacks, maxDepth, Arrays.stream(NAMES).filter(n -> !ex.contains(n)).toArray(String[]::new));
  }

  /** A tree of about {@code nodes} nodes: each node hangs under a random earlier one. */
  public static CallTree wide(long seed, int nodes, int distinctNames) {
    Random r = new Random(seed);
    CallTree t = new CallTree(nodes);
    int[] ids = new int[distinctNames];
    for (int i = 0; i < distinctNames; i++) {
      ids[i] = t.nameId("fn_" + i);
    }
    for (int i = 1; i < nodes; i++) {
      int n = t.child(r.nextInt(t.size()), ids[r.nextInt(distinctNames)]);
      t.addSelf(n, 1 + r.nextInt(100));
    }
    return t;
  }

  private static CallTree random(long seed, int stacks, int maxDepth, String[] names) {
    Random r = new Random(seed);
    CallTree t = new CallTree();
    for (int i = 0; i < stacks; i++) {
      int depth = 1 + r.nextInt(maxDepth);
      List<String> stack = new ArrayList<>(depth);
      for (int d = 0; d < depth; d++) {
        stack.add(names[r.nextInt(names.length)]);
      }
      t.addStack(stack, 1 + r.nextInt(r.nextBoolean() ? 10 : 1000));
    }
    return t;
  }

  /** A single stack {@code depth} frames deep. */
  public static CallTree deep(int depth, long value) {
    List<String> stack = new ArrayList<>(depth);
    for (int i = 0; i < depth; i++) {
      stack.add("f" + (i % 7));
    }
    CallTree t = new CallTree();
    t.addStack(stack, value);
    return t;
  }

  /** Asserts {@code t} is the single stack {@link #deep} builds. */
  public static void assertSameChain(CallTree t, int depth, long value) {
    int leaf = -1;
    for (int i = 1; i < t.size(); i++) {
      if (t.self(i) != 0) {
        if (leaf >= 0 || t.self(i) != value) {
          throw new AssertionError("unexpected self at node " + i);
        }
        leaf = i;
      }
    }
    int d = depth;
    for (int n = leaf; n != 0; n = t.parent(n)) {
      d--;
      if (d < 0 || !t.name(n).equals("f" + (d % 7))) {
        throw new AssertionError("unexpected frame " + t.name(n) + " at depth " + d);
      }
    }
    if (d != 0) {
      throw new AssertionError("chain is " + (depth - d) + " frames deep, expected " + depth);
    }
  }

  /**
   * Self values by root-first path (frames joined with U+0000), non-zero selves only: two trees
   * with equal maps hold the same stacks, whatever their node order or interning.
   */
  public static Map<String, Long> selfByPath(CallTree t) {
    String[] path = new String[t.size()];
    Map<String, Long> out = new HashMap<>();
    path[0] = null;
    for (int i = 1; i < t.size(); i++) {
      String parent = path[t.parent(i)];
      path[i] = parent == null ? t.name(i) : parent + '\u0000' + t.name(i);
      if (t.self(i) != 0) {
        out.merge(path[i], t.self(i), Long::sum);
      }
    }
    return out;
  }
}
