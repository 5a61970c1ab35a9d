package io.flarestack.distributor.writepath;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.common.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ServiceShardSizesTest {
  private static final double MB = 1 << 20;
  private static final long T = 60; // the documented time constant, in seconds

  private final ManualClock clock = new ManualClock(Instant.ofEpochSecond(1_000_000));

  @Test
  void aFirstPushCountsAsItsBytesOverTheTimeConstant() {
    // One push of b bytes from nothing estimates b / 60 s: just above the target needs 2
    // ingesters, just below needs 1.
    ServiceShardSizes below = new ServiceShardSizes(MB, 100, clock);
    ServiceShardSizes above = new ServiceShardSizes(MB, 100, clock);

    assertThat(below.record("t", "svc", (long) (0.99 * T * MB), 1, 1)).isEqualTo(1);
    assertThat(above.record("t", "svc", (long) (1.01 * T * MB), 1, 1)).isEqualTo(2);
  }

  @Test
  void aSteadyRateWidensToRateTimesReplicationOverTarget() {
    // 2.5 MB/s against 1 MB/s per ingester: 3 ingesters with RF 1, ceil(7.5) = 8 with RF 3.
    assertThat(steady(new ServiceShardSizes(MB, 100, clock), 2.5, 1, 1, 20)).isEqualTo(3);
    assertThat(steady(new ServiceShardSizes(MB, 100, clock), 2.5, 3, 1, 20)).isEqualTo(8);
    // Below the target the shard stays at the replication factor.
    assertThat(steady(new ServiceShardSizes(MB, 100, clock), 0.5, 1, 1, 20)).isEqualTo(1);
    assertThat(steady(new ServiceShardSizes(MB, 100, clock), 0.5, 3, 1, 20)).isEqualTo(3);
    // Each of 3 distributors sees a third of 2.5 MB/s: the shard is sized for the whole.
    assertThat(steady(new ServiceShardSizes(MB, 100, clock), 2.5 / 3, 1, 3, 20)).isEqualTo(3);
  }

  @Test
  void theShardGrowsAsTheRateCrossesEachMultipleOfTheTarget() {
    ServiceShardSizes sizes = new ServiceShardSizes(MB, 100, clock);
    assertThat(steady(sizes, 0.5, 1, 1, 20)).isEqualTo(1);

    // From 0.5 to 2.5 MB/s: the estimate climbs through 1 and 2 MB/s, never skipping back.
    int size = 1;
    boolean sawTwo = false;
    for (int s = 0; s < 20 * 60; s++) {
      clock.advance(Duration.ofSeconds(1));
      int next = sizes.record("t", "svc", (long) (2.5 * MB), 1, 1);
      assertThat(next).isBetween(size, size + 1);
      sawTwo |= next == 2;
      size = next;
    }
    assertThat(sawTwo).isTrue();
    assertThat(size).isEqualTo(3);
  }

  @Test
  void theShardShrinksOnlyOnceHalfAsManyIngestersWouldDo() {
    ServiceShardSizes sizes = new ServiceShardSizes(MB, 100, clock);
    assertThat(steady(sizes, 2.5, 1, 1, 20)).isEqualTo(3);
    // 1.2 MB/s needs 2, but 2 x 1.2 = 2.4 still rounds up to 3: no shrink.
    assertThat(steady(sizes, 1.2, 1, 1, 30)).isEqualTo(3);
    // 0.9 MB/s: 2 x 0.9 = 1.8 rounds to 2.
    assertThat(steady(sizes, 0.9, 1, 1, 30)).isEqualTo(2);
    // 0.4 MB/s: 2 x 0.4 = 0.8 rounds to 1.
    assertThat(steady(sizes, 0.4, 1, 1, 30)).isEqualTo(1);
  }

  @Test
  void aZeroTargetNeverWidensAndTracksNothing() {
    ServiceShardSizes sizes = new ServiceShardSizes(0, 100, clock);
    assertThat(sizes.record("t", "svc", Long.MAX_VALUE / 2, 3, 1)).isEqualTo(3);
    assertThat(sizes.tracked("t")).isZero();
  }

  @Test
  void trackingIsBoundedPerTenantAndKeepsTheBusyServices() {
    ServiceShardSizes sizes = new ServiceShardSizes(MB, 10, clock);
    assertThat(steady(sizes, 2.5, 1, 1, 20)).isEqualTo(3); // "svc" is hot

    for (int i = 0; i < 100; i++) {
      clock.advance(Duration.ofMillis(100));
      sizes.record("t", "cold-" + i, 1_000, 1, 1);
      sizes.record("other", "cold-" + i, 1_000, 1, 1);
      if (i % 5 == 0) {
        assertThat(sizes.record("t", "svc", (long) (0.25 * MB), 1, 1)).isEqualTo(3);
      }
    }

    assertThat(sizes.tracked("t")).isEqualTo(10);
    assertThat(sizes.tracked("other")).isEqualTo(10);
    // The hot service was pushed recently, so it was never the one forgotten.
    clock.advance(Duration.ofMillis(100));
    assertThat(sizes.record("t", "svc", (long) (0.25 * MB), 1, 1)).isEqualTo(3);
  }

  @Test
  void idleServicesAreForgotten() {
    ServiceShardSizes sizes = new ServiceShardSizes(MB, 10, clock);
    assertThat(steady(sizes, 2.5, 1, 1, 20)).isEqualTo(3);
    sizes.record("t", "other", 1, 1, 1);
    assertThat(sizes.tracked("t")).isEqualTo(2);

    clock.advance(Duration.ofMinutes(11));
    sizes.record("t", "third", 1, 1, 1);

    assertThat(sizes.tracked("t")).isEqualTo(1);
    // Forgotten: "svc" starts again at the replication factor.
    assertThat(sizes.record("t", "svc", 1, 1, 1)).isEqualTo(1);
  }

  /** Pushes {@code mbPerSecond} for "svc" once a second for {@code minutes}; the last size. */
  private int steady(ServiceShardSizes sizes, double mbPerSecond, int rf, int distributors, int minutes) {
    int size = 0;
    for (int s = 0; s < minutes * 60; s++) {
      clock.advance(Duration.ofSeconds(1));
      size = sizes.record("t", "svc", (long) (mbPerSecond * MB), rf, distributors);
    }
    return size;
  }
}
