package io.flarestack.ingester.head;

import java.util.Arrays;

/**
 * Server-side delta for cumulative series (Pyroscope's rule: {@code __name__="memory"} with
 * sample type {@code alloc_objects}/{@code alloc_space}, unless the push said
 * {@code __delta__="false"}): keeps the highest value seen per stack and turns each new profile
 * into the difference. The first profile of a series, and a profile where any stack went down
 * (a process restart), only reset the state and are not stored. Replaying the same pushes in
 * the same order rebuilds the same state, so a WAL replay needs nothing extra.
 *
 * <p>Stacks are keyed by a hash of their content ({@link SymbolPartition#stackKeys}), not by
 * stack id: a tenant keeps one state per cumulative series across its head windows, whose
 * partitions number stacks differently, so cutting a window into a block does not cost the
 * next profile. Thread-safe (the series of two windows may share one state).
 */
final class DeltaState {
  private long[] stacks = new long[0];
  private long[] highest = new long[0];
  private boolean primed;

  /**
   * @param newStacks ascending, unique stack keys
   * @param newValues their cumulative values
   * @return the deltas aligned with {@code newStacks}, or null when the profile must be dropped
   */
  synchronized long[] apply(long[] newStacks, long[] newValues) {
    if (!primed) {
      reset(newStacks, newValues);
      primed = true;
      return null;
    }
    int pn = stacks.length;
    int nn = newStacks.length;
    long[] outStacks = new long[pn + nn];
    long[] outHighest = new long[pn + nn];
    long[] deltas = new long[nn];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < pn || j < nn) {
      if (j == nn || (i < pn && stacks[i] < newStacks[j])) {
        outStacks[k] = stacks[i];
        outHighest[k++] = highest[i++];
      } else if (i == pn || newStacks[j] < stacks[i]) {
        deltas[j] = newValues[j];
        outStacks[k] = newStacks[j];
        outHighest[k++] = newValues[j++];
      } else {
        if (highest[i] > newValues[j]) {
          reset(newStacks, newValues);
          return null;
        }
        deltas[j] = newValues[j] - highest[i];
        outStacks[k] = newStacks[j];
        outHighest[k++] = newValues[j];
        i++;
        j++;
      }
    }
    stacks = Arrays.copyOf(outStacks, k);
    highest = Arrays.copyOf(outHighest, k);
    return deltas;
  }

  private void reset(long[] newStacks, long[] newValues) {
    stacks = newStacks.clone();
    highest = newValues.clone();
  }
}
