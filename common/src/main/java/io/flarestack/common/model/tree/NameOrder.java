package io.flarestack.common.model.tree;

import static java.util.Objects.requireNonNull;

/**
 * Byte-wise (Go string) order of the function names of call trees, as integer ranks, so that
 * sibling sorting compares ints instead of strings. Stateless and thread-safe.
 */
public final class NameOrder {
  private NameOrder() {}

  /**
   * The rank of every name of {@code tree}, indexed by name id: {@code rank[a] < rank[b]} exactly
   * when name {@code a} sorts before name {@code b} in UTF-8 byte order.
   */
  public static int[] ranks(CallTree tree) {
    requireNonNull(tree, "tree is null");
    int[] sorted = sortedNameIds(tree);
    int[] rank = new int[sorted.length];
    for (int i = 0; i < sorted.length; i++) {
      rank[sorted[i]] = i;
    }
    return rank;
  }

  /**
   * Ranks of the names of two trees on one scale: equal names get equal ranks, so the ranks also
   * serve as name ids shared by both trees. Returns {@code {leftRanks, rightRanks}}, each indexed
   * by that tree's name id; ranks run from 0 to (number of distinct names - 1).
   */
  public static int[][] sharedRanks(CallTree left, CallTree right) {
    requireNonNull(left, "left is null");
    requireNonNull(right, "right is null");
    int[] a = sortedNameIds(left);
    int[] b = sortedNameIds(right);
    int[] ra = new int[a.length];
    int[] rb = new int[b.length];
    int i = 0;
    int j = 0;
    int r = 0;
    while (i < a.length || j < b.length) {
      int c;
      if (i == a.length) {
        c = 1;
      } else if (j == b.length) {
        c = -1;
      } else {
        c = CallTree.compareUtf8(left.nameById(a[i]), right.nameById(b[j]));
      }
      if (c <= 0) {
        ra[a[i++]] = r;
      }
      if (c >= 0) {
        rb[b[j++]] = r;
      }
      r++;
    }
    return new int[][] {ra, rb};
  }

  private static int[] sortedNameIds(CallTree tree) {
    int n = tree.nameCount();
    String[] names = new String[n];
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      names[i] = tree.nameById(i);
      ids[i] = i;
    }
    sort(ids, names);
    return ids;
  }

  // Iterative merge sort of ids by their names: stable, no boxing, no recursion.
  private static void sort(int[] ids, String[] names) {
    int n = ids.length;
    final int run = 16;
    for (int lo = 0; lo < n; lo += run) {
      int hi = Math.min(lo + run, n);
      for (int i = lo + 1; i < hi; i++) {
        int v = ids[i];
        int j = i - 1;
        while (j >= lo && CallTree.compareUtf8(names[ids[j]], names[v]) > 0) {
          ids[j + 1] = ids[j];
          j--;
        }
        ids[j + 1] = v;
      }
    }
    if (n <= run) {
      return;
    }
    int[] src = ids;
    int[] dst = new int[n];
    for (int width = run; width < n; width *= 2) {
      for (int lo = 0; lo < n; lo += 2 * width) {
        int mid = Math.min(lo + width, n);
        int hi = Math.min(lo + 2 * width, n);
        int i = lo;
        int j = mid;
        int k = lo;
        while (i < mid && j < hi) {
          dst[k++] = CallTree.compareUtf8(names[src[i]], names[src[j]]) <= 0 ? src[i++] : src[j++];
        }
        while (i < mid) {
          dst[k++] = src[i++];
        }
        while (j < hi) {
          dst[k++] = src[j++];
        }
      }
      int[] t = src;
      src = dst;
      dst = t;
    }
    if (src != ids) {
      System.arraycopy(src, 0, ids, 0, n);
    }
  }
}
