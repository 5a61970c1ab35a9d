package io.flarestack.distributor.pprof;

import io.flarestack.api.google.v1.Sample;
import io.flarestack.common.model.SampleValues;
import java.util.Arrays;
import java.util.List;

/**
 * Accumulates samples, summing the values of samples with the same series, span and (truncated)
 * stack. Entries keep first-seen order. Open addressing over sample positions, so adding a sample
 * allocates nothing unless a table grows. Sums cannot overflow for a validated profile (the
 * validator refuses one whose values add up past int64); they saturate regardless ({@link
 * SampleValues}). Not thread-safe.
 */
final class SampleMerger {
  private final int types;
  private int[] slots; // entry + 1, 0 = free
  private int mask;
  private int size;
  private long[] hashes;
  private int[] samples; // the representative sample of each entry
  private int[] series;
  private int[] depths;
  private long[] spans;
  private int[] spanStrings; // string index of the span id label value, 0 = no span
  private long[] values; // size * types

  SampleMerger(int expected, int types) {
    this.types = types;
    int cap = Integer.highestOneBit(Math.max(8, expected) * 2 - 1) << 1;
    slots = new int[cap];
    mask = cap - 1;
    int n = Math.max(8, expected);
    hashes = new long[n];
    samples = new int[n];
    series = new int[n];
    depths = new int[n];
    spans = new long[n];
    spanStrings = new int[n];
    values = new long[n * Math.max(1, types)];
  }

  /**
   * Adds sample {@code index} of the profile.
   *
   * @param sampleList the profile's samples, used to compare stacks
   * @param depth how many leading (leaf-first) locations count
   * @param spanString string index of the span id, 0 for none
   * @param span the decoded span id (ignored when {@code spanString} is 0)
   */
  void add(List<Sample> sampleList, int index, int seriesId, int depth, int spanString, long span) {
    Sample s = sampleList.get(index);
    long h = hash(s, depth, seriesId, spanString == 0 ? 0 : span);
    int i = (int) (h ^ (h >>> 29)) & mask;
    while (true) {
      int e = slots[i] - 1;
      if (e < 0) {
        break;
      }
      if (hashes[e] == h && series[e] == seriesId && depths[e] == depth
          && (spanStrings[e] == 0) == (spanString == 0) && (spanString == 0 || spans[e] == span)
          && sameStack(sampleList.get(samples[e]), s, depth)) {
        for (int t = 0; t < types; t++) {
          values[e * types + t] = SampleValues.add(values[e * types + t], s.getValue(t));
        }
        return;
      }
      i = (i + 1) & mask;
    }
    int e = size++;
    if (e == samples.length) {
      growEntries();
    }
    hashes[e] = h;
    samples[e] = index;
    series[e] = seriesId;
    depths[e] = depth;
    spans[e] = span;
    spanStrings[e] = spanString;
    for (int t = 0; t < types; t++) {
      values[e * types + t] = s.getValue(t);
    }
    slots[i] = e + 1;
    if (size * 2 > slots.length) {
      rehash();
    }
  }

  int size() {
    return size;
  }

  int sample(int entry) {
    return samples[entry];
  }

  int series(int entry) {
    return series[entry];
  }

  int depth(int entry) {
    return depths[entry];
  }

  int spanString(int entry) {
    return spanStrings[entry];
  }

  long value(int entry, int type) {
    return values[entry * types + type];
  }

  private static boolean sameStack(Sample a, Sample b, int depth) {
    for (int j = 0; j < depth; j++) {
      if (a.getLocationId(j) != b.getLocationId(j)) {
        return false;
      }
    }
    return true;
  }

  private static long hash(Sample s, int depth, int seriesId, long span) {
    long h = 0x9E3779B97F4A7C15L * (seriesId + 1) ^ span * 0xC2B2AE3D27D4EB4FL;
    for (int j = 0; j < depth; j++) {
      h = (h ^ s.getLocationId(j)) * 0x100000001B3L;
      h ^= h >>> 31;
    }
    h ^= depth;
    h *= 0xFF51AFD7ED558CCDL;
    return h ^ (h >>> 33);
  }

  private void growEntries() {
    int n = samples.length * 2;
    hashes = Arrays.copyOf(hashes, n);
    samples = Arrays.copyOf(samples, n);
    series = Arrays.copyOf(series, n);
    depths = Arrays.copyOf(depths, n);
    spans = Arrays.copyOf(spans, n);
    spanStrings = Arrays.copyOf(spanStrings, n);
    values = Arrays.copyOf(values, n * Math.max(1, types));
  }

  private void rehash() {
    slots = new int[slots.length * 2];
    mask = slots.length - 1;
    for (int e = 0; e < size; e++) {
      long h = hashes[e];
      int i = (int) (h ^ (h >>> 29)) & mask;
      while (slots[i] != 0) {
        i = (i + 1) & mask;
      }
      slots[i] = e + 1;
    }
  }
}
