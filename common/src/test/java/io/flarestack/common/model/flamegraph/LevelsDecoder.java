package io.flarestack.common.model.flamegraph;

import io.flarestack.api.querier.v1.Level;
import io.flarestack.common.model.tree.CallTree;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds trees from flame graph levels the way Grafana's {@code levelsToTree} does: x offsets
 * are made absolute per level, and each node becomes the child of the node on the level above
 * whose interval contains it, scanning parents left to right. Test-only, written from Grafana's
 * description; it never calls the production encoder.
 */
final class LevelsDecoder {
  /** A decoded node: absolute start, width, and what it contributes to each output tree. */
  private record Item(long start, long width, int nameIndex, long[] selves, int[] nodes) {}

  private LevelsDecoder() {}

  /** Decodes a single flame graph; the root ("total") is dropped. */
  static CallTree single(List<Level> levels, List<String> names) {
    return decode(levels, names, 4, new int[] {0}, new int[] {1}, new int[] {2}, 3)[0];
  }

  /**
   * Decodes a diff into {left, right}. Containment uses the sum of both layouts (x and width), which
   * is a valid layout itself and never has zero-width nodes.
   */
  static CallTree[] diff(List<Level> levels, List<String> names) {
    return decode(levels, names, 7, new int[] {0, 3}, new int[] {1, 4}, new int[] {2, 5}, 6);
  }

  private static CallTree[] decode(
      List<Level> levels, List<String> names, int width, int[] xCols, int[] totalCols, int[] selfCols, int nameCol) {
    int sides = xCols.length;
    CallTree[] out = new CallTree[sides];
    for (int s = 0; s < sides; s++) {
      out[s] = new CallTree();
    }
    List<Item> parents = new ArrayList<>();
    Level root = levels.get(0);
    if (root.getValuesCount() != width) {
      throw new AssertionError("level 0 must hold exactly the root");
    }
    long rootWidth = 0;
    for (int s = 0; s < sides; s++) {
      rootWidth += root.getValues(totalCols[s]);
    }
    int[] rootNodes = new int[sides];
    parents.add(new Item(0, rootWidth, (int) root.getValues(nameCol), new long[sides], rootNodes));
    for (int l = 1; l < levels.size(); l++) {
      Level level = levels.get(l);
      List<Item> next = new ArrayList<>();
      long[] prevEnd = new long[sides];
      int p = 0;
      for (int i = 0; i < level.getValuesCount(); i += width) {
        long start = 0;
        long w = 0;
        long[] selves = new long[sides];
        for (int s = 0; s < sides; s++) {
          long x = level.getValues(i + xCols[s]) + prevEnd[s];
          long total = level.getValues(i + totalCols[s]);
          prevEnd[s] = x + total;
          start += x;
          w += total;
          selves[s] = level.getValues(i + selfCols[s]);
        }
        while (p < parents.size()) {
          Item parent = parents.get(p);
          if (start >= parent.start() && start + w <= parent.start() + parent.width()) {
            break;
          }
          p++;
        }
        if (p == parents.size()) {
          throw new AssertionError("no parent for node " + i / width + " on level " + l);
        }
        Item parent = parents.get(p);
        int nameIndex = (int) level.getValues(i + nameCol);
        int[] nodes = new int[sides];
        for (int s = 0; s < sides; s++) {
          nodes[s] = out[s].child(parent.nodes()[s], names.get(nameIndex));
          out[s].addSelf(nodes[s], selves[s]);
        }
        next.add(new Item(start, w, nameIndex, selves, nodes));
      }
      parents = next;
    }
    return out;
  }
}
