package io.flarestack.common.model.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StepsTest {
  @Test
  void pointsCoverTheStepBeforeThem() {
    Steps s = new Steps(1000, 5000, 1000);
    assertThat(s.readStart()).isEqualTo(0);
    assertThat(s.pointCount()).isEqualTo(5);
    assertThat(s.pointFor(-1)).isEqualTo(Steps.NONE);
    assertThat(s.pointFor(0)).isEqualTo(1000);
    assertThat(s.pointFor(1000)).isEqualTo(1000);
    assertThat(s.pointFor(1001)).isEqualTo(2000);
    assertThat(s.pointFor(2000)).isEqualTo(2000);
    assertThat(s.pointFor(4999)).isEqualTo(5000);
    assertThat(s.pointFor(5000)).isEqualTo(5000);
    assertThat(s.pointFor(5001)).isEqualTo(Steps.NONE);
  }

  @Test
  void profilesAfterTheLastPointCountNowhere() {
    Steps s = new Steps(1000, 4500, 1000);
    assertThat(s.pointCount()).isEqualTo(4);
    assertThat(s.pointFor(4000)).isEqualTo(4000);
    assertThat(s.pointFor(4200)).isEqualTo(Steps.NONE);
    assertThat(s.pointFor(4500)).isEqualTo(Steps.NONE);
  }

  @Test
  void stepSecondsConvertLikeGo() {
    assertThat(Steps.stepMillis(15)).isEqualTo(15_000);
    assertThat(Steps.stepMillis(1.5)).isEqualTo(1_500);
    assertThat(Steps.stepMillis(0.001)).isEqualTo(1);
    assertThat(Steps.stepMillis(0.0015)).isEqualTo(1);
  }

  @Test
  void rejectsNonPositiveStepsAndInvertedRanges() {
    assertThatThrownBy(() -> new Steps(0, 10, 0)).hasMessageContaining("step");
    assertThatThrownBy(() -> new Steps(10, 0, 1)).hasMessageContaining("after end");
  }

  @Test
  void aStepLongerThanTheRangeGivesOnePointCoveringTheStepBeforeAndTheRange() {
    // Over a 1,800 s range a step of 1,801 s used to leave every profile after start out.
    long start = 10_000_000;
    long end = start + 1_800_000;
    Steps s = new Steps(start, end, 1_801_000);
    assertThat(s.single()).isTrue();
    assertThat(s.pointCount()).isEqualTo(1);
    assertThat(s.readStart()).isEqualTo(start - 1_801_000);
    assertThat(s.pointFor(start - 1_801_000)).isEqualTo(start); // Pyroscope counts these too
    assertThat(s.pointFor(start)).isEqualTo(start);
    assertThat(s.pointFor(start + 900_000)).isEqualTo(start);
    assertThat(s.pointFor(end)).isEqualTo(start);
    assertThat(s.pointFor(start - 1_801_001)).isEqualTo(Steps.NONE);
    assertThat(s.pointFor(end + 1)).isEqualTo(Steps.NONE);
    // A step equal to the range is still Pyroscope's grid: two points.
    Steps exact = new Steps(start, end, 1_800_000);
    assertThat(exact.single()).isFalse();
    assertThat(exact.pointFor(end)).isEqualTo(end);
    assertThat(exact.pointFor(start - 1_800_000)).isEqualTo(start);
  }

  @Test
  void extremeRangesNeitherWrapNorThrow() {
    Steps low = new Steps(Long.MIN_VALUE + 10, Long.MIN_VALUE + 100, 20);
    assertThat(low.readStart()).isEqualTo(Long.MIN_VALUE);
    assertThat(low.pointFor(Long.MIN_VALUE + 11)).isEqualTo(Long.MIN_VALUE + 30);
    assertThat(low.pointFor(Long.MIN_VALUE + 95)).isEqualTo(Steps.NONE); // after the last point, +90
    long wide = Long.MAX_VALUE - 5;
    Steps big = new Steps(0, wide, wide / 2 + 1);
    assertThat(big.pointFor(wide)).as("the next point would be past Long.MAX_VALUE").isEqualTo(Steps.NONE);
    assertThat(big.pointFor(wide / 2)).isEqualTo(wide / 2 + 1);
    assertThatThrownBy(() -> new Steps(-2, Long.MAX_VALUE, 1)).hasMessageContaining("longer than");
  }

  /**
   * Pyroscope's RangeSeries walk, transcribed: for currentStep = start; currentStep <= end;
   * currentStep += step, consume the (sorted) profiles with ts <= currentStep into that point.
   * Profiles come from the read range [start - step, end]. (When the step is longer than the
   * range, the single point also takes the rest of the range, on purpose: see above.)
   */
  @Test
  void agreesWithPyroscopesRangeWalk() {
    Random r = new Random(3);
    for (int round = 0; round < 300; round++) {
      long step = 1 + r.nextInt(50);
      long start = r.nextInt(1000);
      long end = start + r.nextInt(400);
      Steps s = new Steps(start, end, step);
      long[] ts = new long[1 + r.nextInt(40)];
      for (int i = 0; i < ts.length; i++) {
        ts[i] = s.readStart() + r.nextInt((int) (end - s.readStart() + 1));
      }
      Arrays.sort(ts);
      long[] expected = new long[ts.length];
      Arrays.fill(expected, Steps.NONE);
      int next = 0;
      for (long current = start; current <= end; current += step) {
        while (next < ts.length && ts[next] <= current) {
          expected[next++] = current;
        }
      }
      if (step > end - start) {
        // The one deliberate difference: the single point also takes what follows start.
        while (next < ts.length) {
          expected[next++] = start;
        }
      }
      for (int i = 0; i < ts.length; i++) {
        assertThat(s.pointFor(ts[i])).as("start %d end %d step %d t %d", start, end, step, ts[i]).isEqualTo(expected[i]);
      }
    }
  }
}
