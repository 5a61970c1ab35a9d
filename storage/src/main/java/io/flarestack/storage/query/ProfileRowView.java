package io.flarestack.storage.query;

/**
 * One stored profile of one series (one sample type): its time, its samples sorted by stack id
 * (then span id) with zero values dropped, and the precomputed total. Stack ids refer to the
 * series' symbol partition. Views handed to a {@link RowVisitor} may be reused for the next row:
 * read them during the callback only.
 */
public interface ProfileRowView {
  /** The profile's {@code time_nanos}. */
  long timeNanos();

  /** The profile UUID the distributor assigned; empty when unknown or not read. */
  String profileId();

  /** Sum of the values. */
  long total();

  int sampleCount();

  int stackId(int i);

  long value(int i);

  boolean hasSpans();

  /** The span id of sample {@code i}, 0 when it has none. */
  long spanId(int i);
}
