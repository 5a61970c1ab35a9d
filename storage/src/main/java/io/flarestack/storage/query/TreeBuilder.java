package io.flarestack.storage.query;

import io.flarestack.common.cancel.Cancellation;
import io.flarestack.common.model.tree.CallTree;
import java.util.Arrays;

/**
 * Folds per-stack-node values of a partition into a function-name {@link CallTree}. Stack nodes
 * are visited in index order (parents first), each mapped to a call-tree node through its
 * location's frames (a location with inlined lines contributes one frame per line, outermost
 * first; one without lines is named by its address); only nodes with a non-zero value in their
 * subtree are materialised. Cost: one step per live stack node, independent of the sample count.
 */
final class TreeBuilder {
  private TreeBuilder() {}

  static void add(CallTree tree, Symbols v, long[] values, Cancellation cancel) {
    int n = values.length;
    boolean[] live = new boolean[n];
    for (int i = n - 1; i > 0; i--) {
      if (values[i] != 0 || live[i]) {
        live[i] = true;
        live[v.stackParent(i)] = true;
      }
    }
    if (values[0] != 0) {
      tree.addSelf(CallTree.root(), values[0]);
    }
    int[] treeNode = new int[n];
    int[] functionName = new int[v.functionCount()];
    Arrays.fill(functionName, -1);
    int[] addressName = null;
    for (int i = 1; i < n; i++) {
      if (!live[i]) {
        continue;
      }
      cancel.check();
      int node = treeNode[v.stackParent(i)];
      int loc = v.stackLocation(i);
      int lines = v.locationLineCount(loc);
      if (lines == 0) {
        if (addressName == null) {
          addressName = new int[v.locationCount()];
          Arrays.fill(addressName, -1);
        }
        int name = addressName[loc];
        if (name < 0) {
          name = tree.nameId(FrameNames.address(v.locationAddress(loc)));
          addressName[loc] = name;
        }
        node = tree.child(node, name);
      }
      for (int j = lines - 1; j >= 0; j--) {
        int fn = v.locationLineFunction(loc, j);
        int name = functionName[fn];
        if (name < 0) {
          name = tree.nameId(v.string(v.functionName(fn)));
          functionName[fn] = name;
        }
        node = tree.child(node, name);
      }
      treeNode[i] = node;
      if (values[i] != 0) {
        tree.addSelf(node, values[i]);
      }
    }
  }
}
