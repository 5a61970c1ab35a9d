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
 * <p>One exception to Pyroscope's grid: when the step is longer than the range ({@link
 * #single()}), Pyroscope's only point, {@code start}, covers {@code [start - step, start]} and
 * leaves out every profile after {@code start}, answering nothing for a range full of data. Here
 * that single point covers {@code [start - step, end]}: what Pyroscope counts plus the range
 * itself, one point per series. (The querier bounds how long a step may make that reach back.)
 *
 * @param start first point, ms
 * @param end last possible point, ms (inclusive)
 * @param step step, ms, positive
 */
public record Steps(long start, long end, long step) {
  /** Returned by {@link #pointFor} for a profile outside every point. */
  public static final long NONE = Long.MIN_VALUE;

  /**
   * @throws IllegalArgumentException when the step is not positive, start is after end, or the
   *     range is longer than {@code Long.MAX_VALUE} ms
   */
  public Steps {
    if (step <= 0) {
      throw new IllegalArgumentException("step must be positive: " + step + " ms");
    }
    if (start > end) {
      throw new IllegalArgumentException("start " + start + " is after end " + end);
    }
    if (end - start < 0) {
      throw new IllegalArgumentException("the range " + start + ".." + end + " is longer than " + Long.MAX_VALUE + " ms");
    }
  }

  /**
   * The request's step in milliseconds: {@code SelectSeriesRequest.step} is seconds as a double,
   * converted as Pyroscope does ({@code time.Duration(step * 1e9).Milliseconds()}, truncating).
   * Steps beyond {@code Long.MAX_VALUE} nanoseconds saturate.
   */
  public static long stepMillis(double stepSeconds) {
    return (long) (stepSeconds * 1e9) / 1_000_000L;
  }

  /** Whether the step is longer than the range: then the only point, {@code start}, covers {@code [start - step, end]}. */
  public boolean single() {
    return step > end - start;
  }

  /** First timestamp (inclusive) of the profiles to read: {@code start - step} (saturating). */
  public long readStart() {
    return start < Long.MIN_VALUE + step ? Long.MIN_VALUE : start - step;
  }

  /** The timestamp of the point a profile at {@code t} belongs to, or {@link #NONE}. */
  public long pointFor(long t) {
    if (t < readStart() || t > end) {
      return NONE;
    }
    if (t <= start || single()) {
      return start;
    }
    // 0 <= t - start - 1 < end - start, so nothing here overflows.
    long k = (t - start - 1) / step + 1;
    if (k > (end - start) / step) {
      return NONE;
    }
    return start + k * step;
  }

  /** Number of points: {@code floor((end - start) / step) + 1}. */
  public long pointCount() {
    return (end - start) / step + 1;
  }
}
