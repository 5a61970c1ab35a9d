package io.flarestack.storage.query;

import io.flarestack.common.cancel.Cancellation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which stacks of a partition start (root first, by function name) with a call site. One
 * forward pass over the stack tree: a node inherits its parent's progress through the call site
 * and advances it with its own frames, so the cost is one step per node, not per sample.
 */
final class CallSiteMatcher {
  private static final int MISMATCH = -1;

  private CallSiteMatcher() {}

  /** Per stack node, whether its stack starts with {@code callSite}; null when it is empty. */
  static boolean[] match(Symbols v, List<String> callSite, Cancellation cancel) {
    int k = callSite.size();
    if (k == 0) {
      return null;
    }
    int[] want = stringIds(v, callSite);
    int n = v.stackNodeCount();
    int[] state = new int[n];
    boolean[] match = new boolean[n];
    for (int node = 1; node < n; node++) {
      cancel.check();
      int s = state[v.stackParent(node)];
      if (s != MISMATCH && s < k) {
        int loc = v.stackLocation(node);
        int lines = v.locationLineCount(loc);
        if (lines == 0) {
          s = FrameNames.address(v.locationAddress(loc)).equals(callSite.get(s)) ? s + 1 : MISMATCH;
        }
        // Root first: a location's outermost inlined frame is its last line.
        for (int j = lines - 1; j >= 0 && s != MISMATCH && s < k; j--) {
          int name = v.functionName(v.locationLineFunction(loc, j));
          s = want[s] == name ? s + 1 : MISMATCH;
        }
      }
      state[node] = s;
      match[node] = s == k;
    }
    return match;
  }

  /** The partition string id of each call site name, -1 when the partition lacks it. */
  private static int[] stringIds(Symbols v, List<String> callSite) {
    Map<String, Integer> wanted = new HashMap<>();
    for (String s : callSite) {
      wanted.put(s, -1);
    }
    int remaining = wanted.size();
    for (int i = 0; i < v.stringCount() && remaining > 0; i++) {
      Integer prev = wanted.get(v.string(i));
      if (prev != null && prev < 0) {
        wanted.put(v.string(i), i);
        remaining--;
      }
    }
    int[] ids = new int[callSite.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = wanted.get(callSite.get(i));
    }
    return ids;
  }
}
