package io.flarestack.querier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.config.ValueTypes;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.limits.Limits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class QueryRangeTest {
  private static final long NOW = Instant.parse("2026-11-24T12:00:00Z").toEpochMilli();
  private final Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
  private final Limits limits = Limits.defaults(); // 1d max length, 7d lookback

  @Test
  void selectNeedsBothEndsInOrderAndWithinTheMaximumLength() {
    assertThat(QueryRange.forSelect(NOW - 3_600_000, NOW, limits, clock)).isEqualTo(new QueryRange(NOW - 3_600_000, NOW, false));
    assertInvalid(() -> QueryRange.forSelect(0, NOW, limits, clock), "missing time range");
    assertInvalid(() -> QueryRange.forSelect(NOW, NOW - 1, limits, clock), "after end time");
    assertInvalid(() -> QueryRange.forSelect(NOW - Duration.ofHours(48).toMillis(), NOW, limits, clock),
        "max_query_length, actual: 48h0m0s, limit: 24h0m0s");
  }

  @Test
  void theLookbackClampsBeforeTheLengthIsChecked() {
    // Pyroscope's ValidateRangeRequest cases, with a 48h length limit and a 72h lookback.
    long h = 3_600_000;
    Limits l = with(Duration.ofHours(48), Duration.ofHours(72));
    assertThat(QueryRange.forSelect(NOW - 24 * h, NOW, l, clock)).isEqualTo(new QueryRange(NOW - 24 * h, NOW, false));
    assertThat(QueryRange.forSelect(NOW - 75 * h, NOW - 73 * h, l, clock).empty()).isTrue();
    assertInvalid(() -> QueryRange.forSelect(NOW - 150 * h, NOW + h, l, clock), "actual: 73h0m0s, limit: 48h0m0s");
    assertThat(QueryRange.forSelect(NOW - 75 * h, NOW - 68 * h, l, clock)).isEqualTo(new QueryRange(NOW - 72 * h, NOW - 68 * h, false));
    // Entirely before the lookback wins over any length: 10 years ending 8 days ago is empty, not refused.
    assertThat(QueryRange.forSelect(NOW - Duration.ofDays(3658).toMillis(), NOW - Duration.ofDays(8).toMillis(), limits, clock)
        .empty()).isTrue();
  }

  @Test
  void rangesWhoseLengthOverflowsALongAreStillTooLong() {
    // end - start wraps to a negative number for these; they must not slip past max_query_length.
    long[][] ranges = {
      {Long.MIN_VALUE, Long.MAX_VALUE}, {-(1L << 62), 1L << 62}, {Long.MIN_VALUE, 1L << 62}, {-1, Long.MAX_VALUE},
      {Long.MIN_VALUE + 1, Long.MAX_VALUE - 1},
    };
    long oldest = NOW - Duration.ofDays(7).toMillis();
    for (long[] r : ranges) {
      // The lookback clamps the start first: the length is measured from there.
      String actual = ValueTypes.formatDuration(Duration.ofMillis(r[1]).minus(Duration.ofMillis(oldest)));
      assertInvalid(() -> QueryRange.forSelect(r[0], r[1], limits, clock),
          "max_query_length, actual: " + actual + ", limit: 24h0m0s, -querier.max-query-length");
    }
    // Without a lookback nothing is clamped and end - start really overflows; (2^64 - 1) ms worked
    // out by hand is 5124095576030 h 25 min 51.615 s.
    Limits noLookback = with(Duration.ofDays(1), Duration.ZERO);
    assertInvalid(() -> QueryRange.forSelect(Long.MIN_VALUE, Long.MAX_VALUE, noLookback, clock),
        "actual: 5124095576030h25m51.615s, limit: 24h0m0s");
    assertInvalid(() -> QueryRange.forSelect(-(1L << 62), 1L << 62, noLookback, clock), "actual: 2562047788015h12m55.808s");
    // Without any limit such a range is still refused: nothing downstream can step through it.
    Limits unlimited = with(Duration.ZERO, Duration.ZERO);
    assertInvalid(() -> QueryRange.forSelect(-(1L << 62), 1L << 62, unlimited, clock), "longer than 9223372036854775807 ms");
    assertThat(QueryRange.forSelect(-(1L << 61), 1L << 61, unlimited, clock)).isEqualTo(new QueryRange(-(1L << 61), 1L << 61, false));
  }

  @Test
  void zeroAtEitherEndIsAMissingRangeAndNegativeTimesAreOrdinary() {
    assertInvalid(() -> QueryRange.forSelect(0, 0, limits, clock), "missing time range in the query");
    assertInvalid(() -> QueryRange.forSelect(NOW, 0, limits, clock), "missing time range in the query");
    // -5 .. -1 (1969) is valid but entirely before the lookback: empty, no error.
    assertThat(QueryRange.forSelect(-5, -1, limits, clock).empty()).isTrue();
  }

  @Test
  void rangesOlderThanTheLookbackAreEmptyAndStartsAreClamped() {
    long eightDays = Duration.ofDays(8).toMillis();
    assertThat(QueryRange.forSelect(NOW - eightDays - 1000, NOW - eightDays, limits, clock).empty()).isTrue();
    QueryRange clamped = QueryRange.forSelect(NOW - Duration.ofDays(7).toMillis() - 3_600_000, NOW - Duration.ofDays(7).toMillis() + 3_600_000,
        limits, clock);
    assertThat(clamped.empty()).isFalse();
    assertThat(clamped.start()).isEqualTo(NOW - Duration.ofDays(7).toMillis());
  }

  @Test
  void metadataRangesAreNeverRejected() {
    assertThat(QueryRange.forMetadata(0, 0, limits, clock)).isEqualTo(new QueryRange(0, 0, false));
    // Grafana's health check: 1970, older than any lookback, answers empty rather than failing.
    assertThat(QueryRange.forMetadata(1000, 4000, limits, clock).empty()).isTrue();
    assertThat(QueryRange.forMetadata(NOW - Duration.ofDays(30).toMillis(), NOW, limits, clock).empty()).isFalse();
    assertThat(QueryRange.forMetadata(NOW, NOW - 1, limits, clock).empty()).isTrue();
  }

  private static Limits with(Duration maxQueryLength, Duration maxQueryLookback) {
    Limits d = Limits.defaults();
    return new Limits(d.ingestionRateMb(), d.ingestionBurstSizeMb(), d.ingestionBodyLimitBytes(), d.maxLabelNameLength(),
        d.maxLabelValueLength(), d.maxLabelNamesPerSeries(), d.maxProfileSizeBytes(), d.maxProfileStacktraceSamples(),
        d.maxProfileStacktraceSampleLabels(), d.maxProfileStacktraceDepth(), d.maxProfileSymbolValueLength(),
        d.rejectOlderThan(), d.rejectNewerThan(), maxQueryLookback, maxQueryLength, d.maxFlameGraphNodesDefault(),
        d.maxFlameGraphNodesMax());
  }

  private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
    assertThatThrownBy(call).isInstanceOfSatisfying(FlarestackException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      assertThat(e.getMessage()).contains(message);
    });
  }
}
