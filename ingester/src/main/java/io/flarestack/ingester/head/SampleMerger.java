package io.flarestack.ingester.head;

import io.flarestack.api.google.v1.Profile;
import java.util.Arrays;

/**
 * Turns a profile's samples (already resolved to stack ids) into one sorted, merged sample
 * column per sample type: samples with the same (stack id, span id) are summed, zero values are
 * dropped per type. Samples that only differ by span are kept apart so span queries stay exact.
 * Allocates per profile, never per sample.
 */
final class SampleMerger {
  private SampleMerger() {}

  /** One sample type's samples. The stack and span arrays may be shared between types. */
  record Column(int[] stacks, long[] values, long[] spans, long total, boolean sharedStacks) {}

  static Column[] merge(Profile p, int[] stackIds, long[] spanIds) {
    int n = stackIds.length;
    int[] order = spanIds == null ? orderByStack(stackIds) : orderByStackAndSpan(stackIds, spanIds);
    // Group boundaries in sorted order.
    int[] groupStart = new int[n + 1];
    int groups = 0;
    for (int k = 0; k < n; k++) {
      int cur = order[k];
      if (k == 0) {
        groupStart[groups++] = k;
        continue;
      }
      int prev = order[k - 1];
      if (stackIds[cur] != stackIds[prev] || (spanIds != null && spanIds[cur] != spanIds[prev])) {
        groupStart[groups++] = k;
      }
    }
    groupStart[groups] = n;
    int[] gStacks = new int[groups];
    long[] gSpans = null;
    boolean anySpan = false;
    for (int g = 0; g < groups; g++) {
      int first = order[groupStart[g]];
      gStacks[g] = stackIds[first];
      anySpan |= spanIds != null && spanIds[first] != 0;
    }
    if (anySpan) {
      gSpans = new long[groups];
      for (int g = 0; g < groups; g++) {
        gSpans[g] = spanIds[order[groupStart[g]]];
      }
    }
    int types = p.getSampleTypeCount();
    Column[] out = new Column[types];
    long[] sums = new long[groups];
    for (int t = 0; t < types; t++) {
      int nonZero = 0;
      for (int g = 0; g < groups; g++) {
        long sum = 0;
        for (int k = groupStart[g]; k < groupStart[g + 1]; k++) {
          sum += p.getSample(order[k]).getValue(t);
        }
        sums[g] = sum;
        if (sum != 0) {
          nonZero++;
        }
      }
      out[t] = column(sums, groups, nonZero, gStacks, gSpans);
    }
    return out;
  }

  private static Column column(long[] sums, int groups, int nonZero, int[] gStacks, long[] gSpans) {
    long[] values = new long[nonZero];
    long total = 0;
    if (nonZero == groups) {
      System.arraycopy(sums, 0, values, 0, groups);
      for (long v : values) {
        total += v;
      }
      return new Column(gStacks, values, gSpans, total, true);
    }
    int[] stacks = new int[nonZero];
    long[] spans = gSpans == null ? null : new long[nonZero];
    boolean anySpan = false;
    int j = 0;
    for (int g = 0; g < groups; g++) {
      if (sums[g] != 0) {
        stacks[j] = gStacks[g];
        values[j] = sums[g];
        if (spans != null) {
          spans[j] = gSpans[g];
          anySpan |= gSpans[g] != 0;
        }
        total += sums[g];
        j++;
      }
    }
    return new Column(stacks, values, anySpan ? spans : null, total, false);
  }

  private static int[] orderByStack(int[] stackIds) {
    int n = stackIds.length;
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = ((long) stackIds[i] << 32) | i;
    }
    Arrays.sort(keys);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = (int) keys[i];
    }
    return order;
  }

  private static int[] orderByStackAndSpan(int[] stackIds, long[] spanIds) {
    int n = stackIds.length;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    int[] tmp = new int[n];
    // Bottom-up merge sort on (stack, span): stable, O(n log n), no boxing.
    for (int width = 1; width < n; width *= 2) {
      for (int lo = 0; lo < n; lo += 2 * width) {
        int mid = Math.min(lo + width, n);
        int hi = Math.min(lo + 2 * width, n);
        int a = lo;
        int b = mid;
        int k = lo;
        while (a < mid && b < hi) {
          int x = order[a];
          int y = order[b];
          int c = stackIds[x] != stackIds[y] ? Integer.compare(stackIds[x], stackIds[y]) : Long.compare(spanIds[x], spanIds[y]);
          tmp[k++] = c <= 0 ? order[a++] : order[b++];
        }
        while (a < mid) {
          tmp[k++] = order[a++];
        }
        while (b < hi) {
          tmp[k++] = order[b++];
        }
      }
      int[] swap = order;
      order = tmp;
      tmp = swap;
    }
    return order;
  }
}
