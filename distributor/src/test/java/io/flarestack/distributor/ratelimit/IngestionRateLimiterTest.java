package io.flarestack.distributor.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.common.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IngestionRateLimiterTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final IngestionRateLimiter limiter = new IngestionRateLimiter(clock);

  @Test
  void burstThenRate() {
    assertThat(limiter.allow("t", 100, 1000, 600)).isTrue();
    assertThat(limiter.allow("t", 100, 1000, 400)).isTrue();
    assertThat(limiter.allow("t", 100, 1000, 1)).isFalse();
    clock.advance(Duration.ofMillis(500)); // +50
    assertThat(limiter.allow("t", 100, 1000, 51)).isFalse();
    assertThat(limiter.allow("t", 100, 1000, 50)).isTrue();
  }

  @Test
  void rejectedRequestsTakeNothingAndTheBucketNeverExceedsTheBurst() {
    assertThat(limiter.allow("t", 100, 1000, 1000)).isTrue();
    assertThat(limiter.allow("t", 100, 1000, 500)).isFalse();
    clock.advance(Duration.ofHours(1));
    assertThat(limiter.allow("t", 100, 1000, 1000)).isTrue();
    assertThat(limiter.allow("t", 100, 1000, 1)).isFalse();
  }

  @Test
  void moreThanTheBurstNeverPasses() {
    assertThat(limiter.allow("t", 100, 1000, 1001)).isFalse();
  }

  @Test
  void tenantsHaveTheirOwnBuckets() {
    assertThat(limiter.allow("a", 100, 1000, 1000)).isTrue();
    assertThat(limiter.allow("b", 100, 1000, 1000)).isTrue();
    assertThat(limiter.allow("a", 100, 1000, 1)).isFalse();
  }

  @Test
  void zeroRateMeansNoLimit() {
    assertThat(limiter.allow("t", 0, 0, Long.MAX_VALUE)).isTrue();
  }
}
