package io.flarestack.common.model.series;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.ingester.v1.PartialPoint;
import io.flarestack.api.ingester.v1.PartialSeries;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.api.types.v1.Point;
import io.flarestack.api.types.v1.Series;
import io.flarestack.api.types.v1.TimeSeriesAggregationType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesMergerTest {
  private static final List<PartialSeries> SOURCE_A =
      List.of(
          series(List.of("service_name", "a"), point(1000, 10, 2), point(3000, 5, 1)),
          series(List.of("service_name", "b"), point(2000, 7, 1)));
  private static final List<PartialSeries> SOURCE_B =
      List.of(
          series(List.of("service_name", "a"), point(2000, 4, 2), point(1000, 2, 1)),
          series(List.of("service_name", "b"), point(4000, 20, 4), point(2000, 3, 1)));

  @Test
  void sumAddsPointsOfEqualLabelsAndTimestamps() {
    SeriesMerger m = new SeriesMerger(null);
    m.add(SOURCE_A);
    m.add(SOURCE_B);
    List<Series> out = m.build(0);
    // a: 12 @1000, 4 @2000, 5 @3000 (total 21); b: 10 @2000, 20 @4000 (total 30) -> b first.
    assertThat(out).hasSize(2);
    assertSeries(out.get(0), List.of("service_name", "b"), new long[] {2000, 4000}, new double[] {10, 20});
    assertSeries(out.get(1), List.of("service_name", "a"), new long[] {1000, 2000, 3000}, new double[] {12, 4, 5});
  }

  @Test
  void averageDividesMergedSumsByMergedCounts() {
    SeriesMerger m = new SeriesMerger(TimeSeriesAggregationType.TIME_SERIES_AGGREGATION_TYPE_AVERAGE);
    m.add(SOURCE_A);
    m.add(SOURCE_B);
    List<Series> out = m.build(0);
    // a: 12/3, 4/2, 5/1 = 4, 2, 5 (total 11); b: 10/2, 20/4 = 5, 5 (total 10) -> a first.
    assertSeries(out.get(0), List.of("service_name", "a"), new long[] {1000, 2000, 3000}, new double[] {4, 2, 5});
    assertSeries(out.get(1), List.of("service_name", "b"), new long[] {2000, 4000}, new double[] {5, 5});
  }

  @Test
  void limitKeepsTheLargestSeries() {
    SeriesMerger m = new SeriesMerger(TimeSeriesAggregationType.TIME_SERIES_AGGREGATION_TYPE_SUM);
    m.add(SOURCE_A);
    m.add(SOURCE_B);
    List<Series> out = m.build(1);
    assertThat(out).hasSize(1);
    assertThat(out.get(0).getLabels(0).getValue()).isEqualTo("b");
  }

  @Test
  void tiesAreOrderedByLabelsWithShorterSetsFirst() {
    SeriesMerger m = new SeriesMerger(null);
    m.add(series(List.of("x", "2"), point(1, 5, 1)));
    m.add(series(List.of("x", "1", "y", "0"), point(1, 5, 1)));
    m.add(series(List.of("x", "1"), point(1, 5, 1)));
    m.add(series(List.of(), point(1, 5, 1)));
    m.add(series(List.of("X", "9"), point(1, 5, 1)));
    List<String> order = new ArrayList<>();
    for (Series s : m.build(0)) {
      StringBuilder sb = new StringBuilder("{");
      for (LabelPair p : s.getLabelsList()) {
        sb.append(p.getName()).append('=').append(p.getValue()).append(',');
      }
      order.add(sb.append('}').toString());
    }
    assertThat(order).containsExactly("{}", "{X=9,}", "{x=1,}", "{x=1,y=0,}", "{x=2,}");
  }

  @Test
  void labelOrderOnTheWireDoesNotSplitSeries() {
    SeriesMerger m = new SeriesMerger(null);
    m.add(series(List.of("a", "1", "b", "2"), point(10, 1, 1)));
    m.add(series(List.of("b", "2", "a", "1"), point(10, 2, 1)));
    List<Series> out = m.build(0);
    assertThat(out).hasSize(1);
    assertSeries(out.get(0), List.of("a", "1", "b", "2"), new long[] {10}, new double[] {3});
  }

  private static void assertSeries(Series s, List<String> labels, long[] ts, double[] values) {
    List<String> actual = new ArrayList<>();
    for (LabelPair p : s.getLabelsList()) {
      actual.add(p.getName());
      actual.add(p.getValue());
    }
    assertThat(actual).isEqualTo(labels);
    assertThat(s.getPointsList()).extracting(Point::getTimestamp).containsExactly(box(ts));
    assertThat(s.getPointsList()).extracting(Point::getValue).containsExactly(box(values));
  }

  private static Long[] box(long[] a) {
    Long[] out = new Long[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i];
    }
    return out;
  }

  private static Double[] box(double[] a) {
    Double[] out = new Double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i];
    }
    return out;
  }

  private static PartialSeries series(List<String> labels, PartialPoint... points) {
    PartialSeries.Builder b = PartialSeries.newBuilder();
    for (int i = 0; i < labels.size(); i += 2) {
      b.addLabels(LabelPair.newBuilder().setName(labels.get(i)).setValue(labels.get(i + 1)));
    }
    for (PartialPoint p : points) {
      b.addPoints(p);
    }
    return b.build();
  }

  private static PartialPoint point(long ts, double sum, long count) {
    return PartialPoint.newBuilder().setTimestamp(ts).setSum(sum).setCount(count).build();
  }
}
