package io.flarestack.storage.query;

import io.flarestack.common.model.Matcher;
import java.util.List;

/**
 * Something a query can read: a head window in an ingester or a block in object storage or on
 * local disk. The {@link QueryEngine} answers every read RPC from a list of sources, each
 * profile being in exactly one of them. Implementations are thread-safe.
 */
public interface ProfileSource {
  /**
   * The series whose labels satisfy every matcher and which may have profiles in
   * {@code [fromNanos, toNanos]}.
   *
   * @param exact when true, only series with at least one profile in the range (label queries
   *     need this); when false, series whose time bounds overlap the range are enough (scans
   *     filter rows by time anyway)
   * @throws io.flarestack.common.errors.FlarestackException when the source cannot be read
   */
  Selection select(List<Matcher> matchers, long fromNanos, long toNanos, boolean exact);

  /** Whether the source has any profile, and the oldest and newest profile times. */
  SourceStats stats();

  /**
   * @param any whether there is at least one profile
   * @param oldestNanos the oldest profile's time (meaningless when {@code !any})
   * @param newestNanos the newest profile's time (meaningless when {@code !any})
   */
  record SourceStats(boolean any, long oldestNanos, long newestNanos) {
    public static final SourceStats NONE = new SourceStats(false, Long.MAX_VALUE, Long.MIN_VALUE);
  }
}
