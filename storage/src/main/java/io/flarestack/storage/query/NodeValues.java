package io.flarestack.storage.query;

import io.flarestack.common.model.SampleValues;
import java.util.Arrays;

/**
 * Summed sample values per stack node of one partition, in a dense array that grows to the
 * largest stack id seen: no hashing per sample. Sums saturate ({@link SampleValues}). Not
 * thread-safe.
 */
final class NodeValues {
  private long[] values = new long[256];
  private boolean any;

  void add(int stackId, long value) {
    if (stackId >= values.length) {
      values = Arrays.copyOf(values, Math.max(stackId + 1, values.length * 2));
    }
    values[stackId] = SampleValues.add(values[stackId], value);
    any = true;
  }

  boolean any() {
    return any;
  }

  /** The values sized to the partition's node count (every id seen is below it). */
  long[] sized(int nodeCount) {
    return values.length == nodeCount ? values : Arrays.copyOf(values, nodeCount);
  }
}
