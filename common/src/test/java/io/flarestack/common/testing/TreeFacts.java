package io.flarestack.common.testing;

import io.flarestack.api.ingester.v1.FunctionTree;
import io.flarestack.common.model.tree.CallTree;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Call trees read back as collapsed stacks, comparable with {@link PprofFacts#collapsed}: every
 * node with a self value, by its root-first path of names joined by {@code ;} (the root's own
 * self value under the empty path). Stateless and thread-safe.
 */
public final class TreeFacts {
  private TreeFacts() {}

  public static Map<String, Long> collapsed(CallTree tree) {
    Map<String, Long> out = new TreeMap<>();
    List<String> path = new ArrayList<>();
    for (int i = 0; i < tree.size(); i++) {
      if (tree.self(i) == 0) {
        continue;
      }
      path.clear();
      for (int n = i; n > 0; n = tree.parent(n)) {
        path.add(tree.name(n));
      }
      Collections.reverse(path);
      out.merge(String.join(";", path), tree.self(i), Long::sum);
    }
    return out;
  }

  public static Map<String, Long> collapsed(FunctionTree tree) {
    return collapsed(CallTree.fromProto(tree));
  }

  /** The sum of every node's self value. */
  public static long total(FunctionTree tree) {
    long sum = 0;
    for (long s : tree.getSelfList()) {
      sum += s;
    }
    return sum;
  }
}
