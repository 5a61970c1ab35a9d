package io.flarestack.common.model.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AtTimeTest {
  // 2026-11-24T01:23:45.678Z
  private static final long NOW_MS = Instant.parse("2026-11-24T01:23:45.678Z").toEpochMilli();
  private static final long NOW_NS = NOW_MS * 1_000_000L + 901_234L;

  @Test
  void tenDigitsAreSeconds() {
    assertThat(AtTime.parseMillis("1795480480", NOW_MS)).isEqualTo(1_795_480_480_000L);
  }

  @Test
  void otherDigitCountsAreSecondsToo() {
    assertThat(AtTime.parseMillis("123", NOW_MS)).isEqualTo(123_000L);
    assertThat(AtTime.parseMillis("123456789", NOW_MS)).isEqualTo(123_456_789_000L);
    assertThat(AtTime.parseMillis("12345678901", NOW_MS)).isEqualTo(NOW_MS); // beyond year 2262 in nanoseconds
    assertThat(AtTime.parseMillis("0", NOW_MS)).isZero();
  }

  @Test
  void thirteenDigitsAreMilliseconds() {
    assertThat(AtTime.parseMillis("1795480480123", NOW_MS)).isEqualTo(1_795_480_480_123L);
  }

  @Test
  void sixteenDigitsAreMicroseconds() {
    assertThat(AtTime.parseNanos("1795480480123456", NOW_NS)).isEqualTo(1_795_480_480_123_456_000L);
    assertThat(AtTime.parseMillis("1795480480123456", NOW_MS)).isEqualTo(1_795_480_480_123L);
  }

  @Test
  void nineteenDigitsAreNanoseconds() {
    assertThat(AtTime.parseNanos("1795480134816632643", NOW_NS)).isEqualTo(1_795_480_134_816_632_643L);
    assertThat(AtTime.parseMillis("1795480134816632643", NOW_MS)).isEqualTo(1_795_480_134_816L);
  }

  @Test
  void eightDigitValidDateIsMidnightUtc() {
    assertThat(AtTime.parseMillis("20230217", NOW_MS)).isEqualTo(Instant.parse("2023-02-17T00:00:00Z").toEpochMilli());
  }

  @Test
  void eightDigitsThatAreNotADateAreSeconds() {
    // Feb 30 does not exist, month 13 does not exist, year 1900 is not after 1900
    assertThat(AtTime.parseMillis("20230230", NOW_MS)).isEqualTo(20_230_230_000L);
    assertThat(AtTime.parseMillis("20231301", NOW_MS)).isEqualTo(20_231_301_000L);
    assertThat(AtTime.parseMillis("19000101", NOW_MS)).isEqualTo(19_000_101_000L);
  }

  @Test
  void separatorsAreRemovedBeforeParsing() {
    assertThat(AtTime.parseMillis("1_795_480_480", NOW_MS)).isEqualTo(1_795_480_480_000L);
    assertThat(AtTime.parseMillis("1,795,480,480", NOW_MS)).isEqualTo(1_795_480_480_000L);
    assertThat(AtTime.parseMillis(" 2023 02 17 ", NOW_MS)).isEqualTo(Instant.parse("2023-02-17T00:00:00Z").toEpochMilli());
  }

  @Test
  void nowIsNow() {
    assertThat(AtTime.parseMillis("now", NOW_MS)).isEqualTo(NOW_MS);
    assertThat(AtTime.parseNanos("now", NOW_NS)).isEqualTo(NOW_NS);
  }

  @Test
  void nowWithNegativeOffsets() {
    assertThat(AtTime.parseMillis("now-1h", NOW_MS)).isEqualTo(NOW_MS - 3_600_000L);
    assertThat(AtTime.parseMillis("now-30m", NOW_MS)).isEqualTo(NOW_MS - 30 * 60_000L);
    assertThat(AtTime.parseMillis("now-30min", NOW_MS)).isEqualTo(NOW_MS - 30 * 60_000L);
    assertThat(AtTime.parseMillis("now-2d", NOW_MS)).isEqualTo(NOW_MS - 2 * 86_400_000L);
    assertThat(AtTime.parseMillis("now-1w", NOW_MS)).isEqualTo(NOW_MS - 7 * 86_400_000L);
    assertThat(AtTime.parseMillis("now-15s", NOW_MS)).isEqualTo(NOW_MS - 15_000L);
    assertThat(AtTime.parseMillis("now-15sec", NOW_MS)).isEqualTo(NOW_MS - 15_000L);
  }

  @Test
  void monthsAndYears() {
    assertThat(AtTime.parseMillis("now-1mon", NOW_MS)).isEqualTo(NOW_MS - 30 * 86_400_000L);
    assertThat(AtTime.parseMillis("now-1M", NOW_MS)).isEqualTo(NOW_MS - 30 * 86_400_000L);
    assertThat(AtTime.parseMillis("now-1y", NOW_MS)).isEqualTo(NOW_MS - 365 * 86_400_000L);
  }

  @Test
  void positiveAndCompoundOffsets() {
    assertThat(AtTime.parseMillis("now+10s", NOW_MS)).isEqualTo(NOW_MS + 10_000L);
    assertThat(AtTime.parseMillis("now-1h30m", NOW_MS)).isEqualTo(NOW_MS - 5_400_000L);
  }

  @Test
  void theReferenceBeforeTheSignIsIgnored() {
    assertThat(AtTime.parseMillis("yesterday-1h", NOW_MS)).isEqualTo(NOW_MS - 3_600_000L);
    assertThat(AtTime.parseMillis("-1h", NOW_MS)).isEqualTo(NOW_MS - 3_600_000L);
  }

  @Test
  void unknownUnitCountsAsZero() {
    assertThat(AtTime.parseMillis("now-5x", NOW_MS)).isEqualTo(NOW_MS);
  }

  @Test
  void badInputMeansNow() {
    assertThat(AtTime.parseMillis(null, NOW_MS)).isEqualTo(NOW_MS);
    assertThat(AtTime.parseMillis("", NOW_MS)).isEqualTo(NOW_MS);
    assertThat(AtTime.parseMillis("   ", NOW_MS)).isEqualTo(NOW_MS);
    assertThat(AtTime.parseMillis("garbage", NOW_MS)).isEqualTo(NOW_MS);
    assertThat(AtTime.parseMillis("2023-02-17", NOW_MS)).isEqualTo(NOW_MS);
    // more digits than a long holds
    assertThat(AtTime.parseMillis("123456789012345678901234", NOW_MS)).isEqualTo(NOW_MS);
    // seconds that overflow nanoseconds
    assertThat(AtTime.parseMillis("99999999999", NOW_MS)).isEqualTo(NOW_MS);
    // an offset that overflows
    assertThat(AtTime.parseMillis("now-99999999999999y", NOW_MS)).isEqualTo(NOW_MS);
  }
}
