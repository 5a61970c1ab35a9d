package io.flarestack.querier;

import io.flarestack.common.config.ValueTypes;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.limits.Limits;
import java.time.Clock;
import java.time.Duration;

/**
 * A validated query time range in Unix milliseconds (both ends inclusive). {@code empty} means
 * the whole range lies before the lookback window, so the answer is empty without asking anyone.
 */
public record QueryRange(long start, long end, boolean empty) {
  private static final Duration MAX_LENGTH = Duration.ofMillis(Long.MAX_VALUE);

  /**
   * Ranges for metadata queries (ProfileTypes, LabelNames, LabelValues, Series): 0/0 stays 0/0
   * ("all recent data"); anything else is clamped to the lookback window and never rejected, so
   * Grafana's health check over 1970 answers an empty 200.
   */
  public static QueryRange forMetadata(long start, long end, Limits limits, Clock clock) {
    if (start == 0 && end == 0) {
      return new QueryRange(0, 0, false);
    }
    if (end == 0) {
      end = clock.millis();
    }
    if (start > end) {
      return new QueryRange(start, end, true);
    }
    return clampToLookback(start, end, limits, clock);
  }

  /**
   * Ranges for Select* and Diff, in Pyroscope's order ({@code ValidateRangeRequest}): both ends
   * required (0 is "missing"), start not after end; then a range entirely before the lookback
   * window is empty and a start before it is clamped silently; then the (clamped) length must be
   * within max_query_length. Times before 1970 are ordinary values.
   *
   * @throws FlarestackException invalid_argument naming the values and the limit
   */
  public static QueryRange forSelect(long start, long end, Limits limits, Clock clock) {
    if (start == 0 || end == 0) {
      throw FlarestackException.invalidArgument("missing time range in the query (start=%d, end=%d)", start, end);
    }
    if (start > end) {
      throw FlarestackException.invalidArgument("query start time %d is after end time %d", start, end);
    }
    QueryRange r = clampToLookback(start, end, limits, clock);
    if (r.empty()) {
      return r;
    }
    // A Duration, not end - start: that wraps for ranges such as -2^62..2^62 (with no lookback to
    // clamp them), which would pass the check as a negative length.
    Duration length = Duration.ofMillis(r.end()).minusMillis(r.start());
    Duration maxLength = limits.maxQueryLength();
    if (!maxLength.isZero() && length.compareTo(maxLength) > 0) {
      throw FlarestackException.invalidArgument(
          "the query time range exceeds the limit (max_query_length, actual: %s, limit: %s, %s)",
          ValueTypes.formatDuration(length), ValueTypes.formatDuration(maxLength), Limits.MAX_QUERY_LENGTH.describe());
    }
    if (length.compareTo(MAX_LENGTH) > 0) {
      // Only reachable with neither a length limit nor a lookback; steps need end - start in a long.
      throw FlarestackException.invalidArgument("the query time range from %d to %d is longer than %d ms", start, end,
          Long.MAX_VALUE);
    }
    return r;
  }

  private static QueryRange clampToLookback(long start, long end, Limits limits, Clock clock) {
    Duration lookback = limits.maxQueryLookback();
    if (lookback.isZero()) {
      return new QueryRange(start, end, false);
    }
    long oldest = clock.millis() - Math.min(millis(lookback), Long.MAX_VALUE / 2);
    if (end < oldest) {
      return new QueryRange(start, end, true);
    }
    return new QueryRange(Math.max(start, oldest), end, false);
  }

  private static long millis(Duration d) {
    return d.compareTo(MAX_LENGTH) > 0 ? Long.MAX_VALUE : d.toMillis();
  }
}
