package io.flarestack.common.model.flamegraph;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.api.types.v1.Point;
import io.flarestack.api.types.v1.Series;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The legacy {@code /pyroscope/render} timeline ({@code pkg/querier/timeline}): dense samples,
 * one per {@code durationDelta} seconds from {@code startTime} (Unix seconds), zeros where the
 * series has no point. Immutable; {@link #samples()} returns a copy.
 */
public final class Timeline {
  // Pyroscope's "nice" steps (pkg/querier/timeline/calculator.go): an interval up to UPPER[i] ms
  // rounds to STEP[i] ms; anything longer is a year. The last bound is exclusive.
  private static final long[] UPPER = {
    10, 15, 35, 75, 150, 350, 750, 1_500, 3_500, 7_500, 12_500, 17_500, 25_000, 45_000, 90_000,
    210_000, 450_000, 750_000, 1_050_000, 1_500_000, 2_700_000, 5_400_000, 9_000_000, 16_200_000,
    32_400_000, 86_400_000, 172_800_000, 604_800_000, 1_814_400_000L, 3_628_800_000L
  };
  private static final long[] STEP = {
    1, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 20_000, 30_000, 60_000,
    120_000, 300_000, 600_000, 900_000, 1_200_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000,
    21_600_000, 43_200_000, 86_400_000, 86_400_000, 604_800_000, 2_592_000_000L
  };
  private static final long YEAR_MS = 31_536_000_000L;
  private static final long RESOLUTION = 1500;
  private static final long MIN_INTERVAL_NANOS = 15_000_000_000L;

  private final long startTime;
  private final long[] samples;
  private final long durationDelta;

  public Timeline(long startTime, long[] samples, long durationDelta) {
    this.startTime = startTime;
    this.samples = requireNonNull(samples, "samples is null").clone();
    this.durationDelta = durationDelta;
  }

  /**
   * The timeline step in seconds for a range ({@code CalcPointInterval}): {@code (until - from) /
   * 1500} rounded to a nice interval, at least 15 s. Inputs are Unix milliseconds; the result is
   * what {@code SelectSeriesRequest.step} takes, and its integer part the timeline's {@code
   * durationDelta}.
   */
  public static double pointInterval(long fromMs, long untilMs) {
    // In milliseconds first: times past 2262 (or before 1677) overflow as nanoseconds.
    long rangeMs = untilMs - fromMs;
    long intervalNanos = rangeMs > Long.MAX_VALUE / 1_000_000L ? Long.MAX_VALUE / RESOLUTION : rangeMs * 1_000_000L / RESOLUTION;
    if (intervalNanos < MIN_INTERVAL_NANOS) {
      return MIN_INTERVAL_NANOS / 1e9;
    }
    for (int i = 0; i < UPPER.length; i++) {
      long bound = UPPER[i] * 1_000_000L;
      boolean last = i == UPPER.length - 1;
      if (last ? intervalNanos < bound : intervalNanos <= bound) {
        return STEP[i] / 1e3;
      }
    }
    return YEAR_MS / 1e3;
  }

  /**
   * The timeline of {@code series} over {@code [startMs, endMs)}, as Pyroscope's {@code
   * timeline.New}: both bounds snapped down to a multiple of the step, points outside the window
   * ignored, gaps and both ends filled with zeros. Point values are truncated to integers
   * (negative values count as 0). Points are expected sorted by timestamp, as SelectSeries
   * returns them. {@code series} may be null (no data: all zeros).
   */
  public static Timeline of(Series series, long startMs, long endMs, long durationDeltaSec) {
    if (durationDeltaSec <= 0) {
      throw new IllegalArgumentException("durationDelta must be positive: " + durationDeltaSec);
    }
    long deltaMs = durationDeltaSec * 1000;
    startMs = (startMs / deltaMs) * deltaMs;
    endMs = (endMs / deltaMs) * deltaMs;
    long startSec = startMs / 1000;
    if (startMs >= endMs) {
      return new Timeline(startSec, new long[0], durationDeltaSec);
    }
    int size = (int) Math.max(0, buckets(startMs, endMs, durationDeltaSec));
    long[] out = new long[size];
    int n = 0;
    int from = 0;
    int to = series == null ? 0 : series.getPointsCount();
    while (from < to && series.getPoints(from).getTimestamp() < startMs) {
      from++;
    }
    while (to > from && series.getPoints(to - 1).getTimestamp() >= endMs) {
      to--;
    }
    if (from < to) {
      n += (int) Math.max(0, buckets(startMs, series.getPoints(from).getTimestamp(), durationDeltaSec));
      long prev = series.getPoints(from).getTimestamp();
      for (int i = from; i < to; i++) {
        Point p = series.getPoints(i);
        n += (int) Math.max(0, buckets(prev, p.getTimestamp(), durationDeltaSec) - 1);
        if (n >= out.length) {
          out = Arrays.copyOf(out, Math.max(n + 1, out.length * 2));
        }
        out[n++] = toSample(p.getValue());
        prev = p.getTimestamp();
      }
    }
    return new Timeline(startSec, n <= size ? out : Arrays.copyOf(out, n), durationDeltaSec);
  }

  /**
   * The render handler's main timeline: the only series of a SelectSeries answer, or all zeros
   * when it returned none or several.
   */
  public static Timeline ofSelectSeries(List<Series> series, long startMs, long endMs, long durationDeltaSec) {
    requireNonNull(series, "series is null");
    return of(series.size() == 1 ? series.get(0) : null, startMs, endMs, durationDeltaSec);
  }

  /**
   * The render handler's {@code groups}: one timeline per series, keyed by the value of the
   * {@code groupBy} label ({@code "*"} when the series lacks it); a later series with the same key
   * replaces an earlier one, as with Pyroscope's map.
   */
  public static Map<String, Timeline> groups(
      List<Series> series, String groupBy, long startMs, long endMs, long durationDeltaSec) {
    requireNonNull(series, "series is null");
    requireNonNull(groupBy, "groupBy is null");
    Map<String, Timeline> out = new HashMap<>();
    for (Series s : series) {
      String key = "*";
      for (LabelPair l : s.getLabelsList()) {
        if (l.getName().equals(groupBy)) {
          key = l.getValue();
          break;
        }
      }
      out.put(key, of(s, startMs, endMs, durationDeltaSec));
    }
    return out;
  }

  // Whole steps between two instants, counted on whole seconds as Pyroscope does.
  private static long buckets(long fromMs, long toMs, long stepSec) {
    return (toMs / 1000 - fromMs / 1000) / stepSec;
  }

  private static long toSample(double v) {
    return v > 0 ? (long) v : 0;
  }

  /** First sample's time, Unix seconds. */
  public long startTime() {
    return startTime;
  }

  public long[] samples() {
    return samples.clone();
  }

  /** Seconds between samples. */
  public long durationDelta() {
    return durationDelta;
  }

  int sampleCount() {
    return samples.length;
  }

  long sample(int i) {
    return samples[i];
  }
}
