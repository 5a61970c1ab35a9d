package io.flarestack.common.model.series;

/**
 * The time grid of a {@code SelectSeries} query, as Pyroscope's {@code timeseries.RangeSeries}
 * builds it: points at {@code t_k = start + k*step} for every {@code t_k <= end}. A profile at
 * time {@code t} belongs to the first point with {@code t <= t_k}; since profiles are read from
 * {@code [start - step, end]} (the querier widens the range by one step because the first point
 * covers the step before {@code start}), point {@code start} covers {@code [start - step,
 * start]} and every later point {@code (t_k - step, t_k]}. Profiles after the last point (when
 * {@code end - start} is not a multiple of the step) contribute to no point. All times are Unix
 * milliseconds. Immutable.
 *
 * @param start first point, ms
 * @param end last possible point, ms (inclusive)
 * @param step step, ms, positive
 */
public record Steps(long start, long end, long step) {
  /** Returned by {@link #pointFor} for a profile outside every point. */
  public static final long NONE = Long.MIN_VALUE;

  public Steps {
    if (step <= 0) {
      throw new IllegalArgumentException("step must be positive: " + step + " ms");
    }
    if (start > end) {
      throw new IllegalArgumentException("start " + start + " is after end " + end);
    }
  }

  /**
   * The request's step in milliseconds: {@code SelectSeriesRequest.step} is seconds as a double,
   * converted as Pyroscope does ({@code time.Duration(step * 1e9).Milliseconds()}, truncating).
   */
  public static long stepMillis(double stepSeconds) {
    return (long) (stepSeconds * 1e9) / 1_000_000L;
  }

  /** First timestamp (inclusive) of the profiles to read: {@code start - step}. */
  public long readStart() {
    return start - step;
  }

  /** The timestamp of the point a profile at {@code t} belongs to, or {@link #NONE}. */
  public long pointFor(long t) {
    if (t < start - step || t > end) {
      return NONE;
    }
    if (t <= start) {
      return start;
    }
    long k = (t - start + step - 1) / step;
    long point = start + k * step;
    return point <= end ? point : NONE;
  }

  /** Number of points: {@code floor((end - start) / step) + 1}. */
  public long pointCount() {
    return (end - start) / step + 1;
  }
}
