package io.flarestack.ingester.head;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Rows keep every value exactly, in 4 bytes per sample when a common factor allows it. */
class ProfileRowTest {
  private static ProfileRow row(long... values) {
    int[] stacks = IntStream.range(0, values.length).toArray();
    long total = 0;
    for (long v : values) {
      total += v;
    }
    return new ProfileRow(1, "", stacks, values, null, total);
  }

  private static long[] read(ProfileRow r) {
    long[] out = new long[r.sampleCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = r.value(i);
    }
    return out;
  }

  @Test
  void cpuTimeBeyondIntRangeIsStoredScaledByTheSamplingPeriod() {
    // 10 ms samples; 250 s of one stack is far beyond Integer.MAX_VALUE nanoseconds.
    long[] values = {10_000_000L, 250_000_000_000L, 30_000_000L, -20_000_000L};

    ProfileRow r = row(values);

    assertThat(ProfileRow.intScale(values)).isEqualTo(10_000_000L);
    assertThat(read(r)).containsExactly(values);
    assertThat(r.estimatedBytes(true)).isEqualTo(56 + 16 + 4 * 4);
  }

  @Test
  void valuesWithNoCommonFactorStayLongsWhenOneIsBeyondIntRange() {
    long[] values = {3, 5_000_000_000L, 7, Long.MAX_VALUE};

    ProfileRow r = row(values);

    assertThat(ProfileRow.intScale(values)).isZero();
    assertThat(read(r)).containsExactly(values);
    assertThat(r.estimatedBytes(true)).isEqualTo(56 + 16 + 4 * 8);
  }

  @Test
  void smallCountsFitAsTheyAreAndExtremesAreKept() {
    assertThat(ProfileRow.intScale(new long[] {3, 5, 7})).isEqualTo(1);
    assertThat(read(row(3, 5, 7))).containsExactly(3, 5, 7);
    assertThat(read(row(Integer.MIN_VALUE, Integer.MAX_VALUE))).containsExactly(Integer.MIN_VALUE, Integer.MAX_VALUE);
    assertThat(ProfileRow.intScale(new long[] {Long.MIN_VALUE, 2})).isZero();
    assertThat(read(row(Long.MIN_VALUE, 2))).containsExactly(Long.MIN_VALUE, 2);
    assertThat(row().sampleCount()).isZero();
  }
}
