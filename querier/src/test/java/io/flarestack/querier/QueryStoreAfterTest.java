package io.flarestack.querier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class QueryStoreAfterTest {
  private static final long NOW = 1_700_000_000_000L;
  private static final long HOUR = 3_600_000L;
  private final Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

  @Test
  void offAsksBothForEveryRange() {
    QueryStoreAfter off = new QueryStoreAfter(Duration.ZERO, clock);
    assertThat(off.asksIngesters(NOW - 100 * HOUR, NOW - 99 * HOUR)).isTrue();
    assertThat(off.asksStoreGateways(NOW - HOUR, NOW)).isTrue();
  }

  @Test
  void aRangeGoesWhereItsDataCanBe() {
    QueryStoreAfter fourHours = new QueryStoreAfter(Duration.ofHours(4), clock);
    // Wholly recent: ingesters only.
    assertThat(fourHours.asksIngesters(NOW - 3 * HOUR, NOW)).isTrue();
    assertThat(fourHours.asksStoreGateways(NOW - 3 * HOUR, NOW)).isFalse();
    // Wholly old: store-gateways only.
    assertThat(fourHours.asksIngesters(NOW - 10 * HOUR, NOW - 5 * HOUR)).isFalse();
    assertThat(fourHours.asksStoreGateways(NOW - 10 * HOUR, NOW - 5 * HOUR)).isTrue();
    // Across the boundary, and "all time" (0, 0): both.
    assertThat(fourHours.asksIngesters(NOW - 10 * HOUR, NOW)).isTrue();
    assertThat(fourHours.asksStoreGateways(NOW - 10 * HOUR, NOW)).isTrue();
    assertThat(fourHours.asksIngesters(0, 0)).isTrue();
    assertThat(fourHours.asksStoreGateways(0, 0)).isTrue();
  }

  @Test
  void aNegativeDurationIsRejectedNamingTheFlag() {
    assertThatThrownBy(() -> new QueryStoreAfter(Duration.ofSeconds(-1), clock))
        .hasMessageContaining("-querier.query-store-after").hasMessageContaining("must not be negative");
  }
}
