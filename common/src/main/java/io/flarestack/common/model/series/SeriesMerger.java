package io.flarestack.common.model.series;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.ingester.v1.PartialPoint;
import io.flarestack.api.ingester.v1.PartialSeries;
import io.flarestack.api.types.v1.Point;
import io.flarestack.api.types.v1.Series;
import io.flarestack.api.types.v1.TimeSeriesAggregationType;
import io.flarestack.common.model.Checkpoint;
import io.flarestack.common.model.Labels;
import io.flarestack.common.model.tree.CallTree;
import io.flarestack.common.model.tree.LongIntMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges partial series from several sources (ingesters, store gateways) into the final {@code
 * SelectSeries} answer. Points with equal labels and timestamp are combined exactly (sums added,
 * counts added), so SUM and AVERAGE are both right however profiles were spread over sources.
 * Output points are sorted by timestamp and sparse (only timestamps some source reported).
 * Series are ordered as Pyroscope's {@code timeseries.TopSeries} orders them: by the sum of their
 * point values descending, then by labels (byte-wise); {@code limit > 0} keeps the first {@code
 * limit}.
 *
 * <p>Not thread-safe; the querier merges responses on one thread or synchronises around {@link
 * #add}.
 */
public final class SeriesMerger {
  private final boolean average;
  private final Map<Labels, Acc> series = new HashMap<>();

  /** {@code aggregation} null means SUM, the default. */
  public SeriesMerger(TimeSeriesAggregationType aggregation) {
    this.average = aggregation == TimeSeriesAggregationType.TIME_SERIES_AGGREGATION_TYPE_AVERAGE;
  }

  /** Merges one source's series. Label pairs may come in any order. */
  public void add(Collection<PartialSeries> partials) {
    add(partials, Checkpoint.NONE);
  }

  /** {@link #add(Collection)}, calling {@code checkpoint} per series. */
  public void add(Collection<PartialSeries> partials, Checkpoint checkpoint) {
    requireNonNull(partials, "partials is null");
    for (PartialSeries s : partials) {
      checkpoint.check();
      add(s);
    }
  }

  public void add(PartialSeries s) {
    requireNonNull(s, "series is null");
    Acc acc = series.computeIfAbsent(Labels.fromProto(s.getLabelsList()), l -> new Acc());
    for (int i = 0; i < s.getPointsCount(); i++) {
      PartialPoint p = s.getPoints(i);
      acc.add(p.getTimestamp(), p.getSum(), p.getCount());
    }
  }

  /**
   * The final series. SUM: value = sum; AVERAGE: value = sum / count (a count below 1 counts as
   * 1). Series without points are left out. {@code limit <= 0} keeps all.
   */
  public List<Series> build(long limit) {
    List<Ranked> ranked = new ArrayList<>(series.size());
    for (Map.Entry<Labels, Acc> e : series.entrySet()) {
      Acc acc = e.getValue();
      if (acc.size == 0) {
        continue;
      }
      long[] ts = Arrays.copyOf(acc.timestamps, acc.size);
      Arrays.sort(ts);
      double[] values = new double[ts.length];
      double total = 0;
      for (int i = 0; i < ts.length; i++) {
        int slot = acc.slots.get(ts[i]);
        double v = acc.sums[slot];
        if (average) {
          v /= Math.max(1, acc.counts[slot]);
        }
        values[i] = v;
        total += v;
      }
      ranked.add(new Ranked(e.getKey(), ts, values, total));
    }
    ranked.sort(
        (a, b) -> {
          int c = Double.compare(b.total, a.total);
          return c != 0 ? c : compareLabels(a.labels, b.labels);
        });
    int n = limit > 0 ? (int) Math.min(limit, ranked.size()) : ranked.size();
    List<Series> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Ranked r = ranked.get(i);
      Series.Builder b = Series.newBuilder().addAllLabels(r.labels.toProto());
      for (int k = 0; k < r.timestamps.length; k++) {
        b.addPoints(Point.newBuilder().setTimestamp(r.timestamps[k]).setValue(r.values[k]));
      }
      out.add(b.build());
    }
    return out;
  }

  /** Pyroscope's {@code CompareLabelPairs}: pair by pair, name then value, byte-wise; shorter first. */
  static int compareLabels(Labels a, Labels b) {
    int n = Math.min(a.size(), b.size());
    for (int i = 0; i < n; i++) {
      int c = CallTree.compareUtf8(a.name(i), b.name(i));
      if (c != 0) {
        return c;
      }
      c = CallTree.compareUtf8(a.value(i), b.value(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  private record Ranked(Labels labels, long[] timestamps, double[] values, double total) {}

  /** Points of one series keyed by timestamp, in primitive arrays. */
  private static final class Acc {
    private final LongIntMap slots = new LongIntMap(16);
    private long[] timestamps = new long[16];
    private double[] sums = new double[16];
    private long[] counts = new long[16];
    private int size;

    void add(long ts, double sum, long count) {
      // LongIntMap reserves Long.MIN_VALUE; no real timestamp is that old.
      int slot = ts == Long.MIN_VALUE ? -1 : slots.get(ts);
      if (slot < 0) {
        if (ts == Long.MIN_VALUE) {
          return;
        }
        if (size == timestamps.length) {
          timestamps = Arrays.copyOf(timestamps, size * 2);
          sums = Arrays.copyOf(sums, size * 2);
          counts = Arrays.copyOf(counts, size * 2);
        }
        slot = size++;
        timestamps[slot] = ts;
        slots.put(ts, slot);
      }
      sums[slot] += sum;
      counts[slot] += count;
    }
  }
}
