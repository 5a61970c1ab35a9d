package io.flarestack.common.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SampleValuesTest {
  private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);
  private static final BigInteger MIN = BigInteger.valueOf(Long.MIN_VALUE);

  @Test
  void addClampsInsteadOfWrapping() {
    assertThat(SampleValues.add(Long.MAX_VALUE, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    assertThat(SampleValues.add(Long.MAX_VALUE, 1)).isEqualTo(Long.MAX_VALUE);
    assertThat(SampleValues.add(Long.MIN_VALUE, -1)).isEqualTo(Long.MIN_VALUE);
    assertThat(SampleValues.add(Long.MAX_VALUE, Long.MIN_VALUE)).isEqualTo(-1);
    assertThat(SampleValues.add(2, 3)).isEqualTo(5);
  }

  @Test
  void addAndMultiplyAgreeWithExactArithmeticClamped() {
    Random r = new Random(11);
    long[] edges = {0, 1, -1, 2, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1, 1L << 62,
        -(1L << 62), 3_037_000_500L, -3_037_000_500L};
    for (int i = 0; i < 20_000; i++) {
      long a = i < 144 ? edges[i % edges.length] : r.nextLong() >> r.nextInt(64);
      long b = i < 144 ? edges[i / edges.length] : r.nextLong() >> r.nextInt(64);
      assertThat(SampleValues.add(a, b)).as("%d + %d", a, b).isEqualTo(clamp(BigInteger.valueOf(a).add(BigInteger.valueOf(b))));
      assertThat(SampleValues.multiply(a, b)).as("%d * %d", a, b)
          .isEqualTo(clamp(BigInteger.valueOf(a).multiply(BigInteger.valueOf(b))));
    }
  }

  private static long clamp(BigInteger v) {
    return v.max(MIN).min(MAX).longValueExact();
  }
}
