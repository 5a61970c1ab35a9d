package io.flarestack.common.model.flamegraph;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.api.types.v1.Point;
import io.flarestack.api.types.v1.Series;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimelineTest {
  private static final long HOUR = 3_600_000L;

  @Test
  void pointIntervalRoundsToNiceStepsWithAFloorOf15Seconds() {
    assertThat(Timeline.pointInterval(0, HOUR)).isEqualTo(15.0); // 2.4 s
    // An hour in 2286, whose times overflow as nanoseconds; a range of 300 years.
    assertThat(Timeline.pointInterval(9_999_999_999_999L - HOUR, 9_999_999_999_999L)).isEqualTo(15.0);
    assertThat(Timeline.pointInterval(0, 300 * 365 * 24 * HOUR)).isEqualTo(31_536_000.0);
    assertThat(Timeline.pointInterval(0, 6 * HOUR)).isEqualTo(15.0); // 14.4 s
    assertThat(Timeline.pointInterval(0, 8 * HOUR)).isEqualTo(20.0); // 19.2 s
    assertThat(Timeline.pointInterval(0, 12 * HOUR)).isEqualTo(30.0); // 28.8 s
    assertThat(Timeline.pointInterval(0, 24 * HOUR)).isEqualTo(60.0); // 57.6 s
    assertThat(Timeline.pointInterval(0, 30 * HOUR)).isEqualTo(60.0); // 72 s
    assertThat(Timeline.pointInterval(0, 7 * 24 * HOUR)).isEqualTo(300.0); // 403.2 s
    assertThat(Timeline.pointInterval(5 * HOUR, HOUR)).isEqualTo(15.0); // inverted range
    assertThat(Timeline.pointInterval(1_700_000_000_000L, 1_700_000_000_000L + 26_250_000L)).isEqualTo(15.0); // 17.5 s
    assertThat(Timeline.pointInterval(1_700_000_000_000L, 1_700_000_000_000L + 26_251_500L)).isEqualTo(20.0); // 17.501 s
    assertThat(Timeline.pointInterval(0, 1_500L * 2_000_000_000L)).isEqualTo(2_592_000.0); // 2e6 s -> 30 d
    assertThat(Timeline.pointInterval(0, 1_500L * 4_000_000_000L)).isEqualTo(31_536_000.0); // 4e6 s -> 1 y
  }

  @Test
  void backfillsGapsAndBothEnds() {
    Series s = series(2000, 69, 3000, 83, 6000, 85, 8000, 91);
    Timeline t = Timeline.of(s, 0, 10_000, 1);
    assertThat(t.startTime()).isZero();
    assertThat(t.durationDelta()).isEqualTo(1);
    assertThat(t.samples()).containsExactly(0, 0, 69, 83, 0, 0, 85, 0, 91, 0);
  }

  @Test
  void boundsAreSnappedToTheStepAndTheEndIsExclusive() {
    Series s = series(23_000, 69, 53_000, 91);
    // [3000, 53000) snaps to [0, 50000): 5 buckets; 53000 is outside.
    assertThat(Timeline.of(s, 3000, 53_000, 10).samples()).containsExactly(0, 0, 69, 0, 0);
    // [3000, 63000) snaps to [0, 60000): 6 buckets.
    assertThat(Timeline.of(s, 3000, 63_000, 10).samples()).containsExactly(0, 0, 69, 0, 0, 91);
  }

  @Test
  void realisticRenderWindow() {
    long start = 1_700_000_007_000L;
    // SelectSeries points at start + k*15 s; values are truncated to integers.
    Series s = series(start, 1.9, start + 15_000, 5, start + 45_000, 7);
    Timeline t = Timeline.of(s, start, start + 60_000, 15);
    // Snapped window: [1699999995000, 1700000055000) = 4 buckets of 15 s.
    assertThat(t.startTime()).isEqualTo(1_699_999_995L);
    assertThat(t.samples()).containsExactly(1, 5, 0, 7);
  }

  @Test
  void emptyAndDegenerateWindows() {
    assertThat(Timeline.of(null, 10_000, 20_000, 1).samples()).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    assertThat(Timeline.of(series(2000, 1), 10_000, 20_000, 1).samples()).hasSize(10).containsOnly(0L);
    assertThat(Timeline.of(series(2000, 1), 1000, 1000, 1).samples()).isEmpty();
    assertThat(Timeline.of(series(2000, 1), 9000, 1000, 1).samples()).isEmpty();
    assertThat(Timeline.of(series(2000, -4), 0, 3000, 1).samples()).containsExactly(0, 0, 0);
  }

  @Test
  void mainTimelineUsesTheOnlySeriesElseZeros() {
    Series one = series(1000, 4);
    assertThat(Timeline.ofSelectSeries(List.of(one), 0, 3000, 1).samples()).containsExactly(0, 4, 0);
    assertThat(Timeline.ofSelectSeries(List.of(one, one), 0, 3000, 1).samples()).containsExactly(0, 0, 0);
    assertThat(Timeline.ofSelectSeries(List.of(), 0, 3000, 1).samples()).containsExactly(0, 0, 0);
  }

  @Test
  void groupsAreKeyedByTheGroupByLabel() {
    Series web = labelled(series(1000, 4), "service_name", "web");
    Series api = labelled(series(2000, 5), "service_name", "api");
    Series none = labelled(series(0, 6), "pod", "x");
    Map<String, Timeline> groups = Timeline.groups(List.of(web, api, none), "service_name", 0, 3000, 1);
    assertThat(groups).containsOnlyKeys("web", "api", "*");
    assertThat(groups.get("web").samples()).containsExactly(0, 4, 0);
    assertThat(groups.get("api").samples()).containsExactly(0, 0, 5);
    assertThat(groups.get("*").samples()).containsExactly(6, 0, 0);
  }

  private static Series labelled(Series s, String name, String value) {
    return s.toBuilder().addLabels(LabelPair.newBuilder().setName(name).setValue(value)).build();
  }

  static Series series(double... tsAndValues) {
    Series.Builder b = Series.newBuilder();
    for (int i = 0; i < tsAndValues.length; i += 2) {
      b.addPoints(Point.newBuilder().setTimestamp((long) tsAndValues[i]).setValue(tsAndValues[i + 1]));
    }
    return b.build();
  }
}
