package io.flarestack.common.config;

import java.util.Collection;

/** "Did you mean" suggestions for unknown YAML keys and flags. Stateless. */
final class Suggestions {
  private Suggestions() {}

  /**
   * The candidate closest to {@code unknown}, or null when none is close enough to be a likely
   * typo. For dotted keys it also recognises a known key placed under the wrong parent
   * ({@code http_listen_port} at the top level suggests {@code server.http_listen_port}).
   */
  static String closest(String unknown, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(unknown, c);
      if (d < bestDistance || (d == bestDistance && best != null && c.compareTo(best) < 0)) {
        best = c;
        bestDistance = d;
      }
    }
    if (best != null && bestDistance <= maxTypos(unknown)) {
      return best;
    }
    String leaf = unknown.substring(unknown.lastIndexOf('.') + 1);
    String moved = null;
    for (String c : candidates) {
      if (c.substring(c.lastIndexOf('.') + 1).equals(leaf) && (moved == null || c.compareTo(moved) < 0)) {
        moved = c;
      }
    }
    return moved;
  }

  /** Up to one typo in short words, up to three in long ones. */
  private static int maxTypos(String s) {
    return Math.max(1, Math.min(3, s.length() / 4));
  }

  /** Optimal string alignment distance: edits, with a swap of neighbours counting once. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
