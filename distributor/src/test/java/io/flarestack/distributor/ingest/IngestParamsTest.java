package io.flarestack.distributor.ingest;

import io.flarestack.common.model.time.StrictAtTime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class IngestParamsTest {
  private static final long NOW = Instant.parse("2026-11-24T01:00:00Z").getEpochSecond() * 1_000_000_000L;
  private static final long S = 1_000_000_000L;

  @Test
  void theFormsRealAgentsSendAreRead() {
    // pyroscope-java and @pyroscope/nodejs: seconds (captured/java-agent-2.9.2, captured/nodejs-0.6.4)
    assertThat(IngestParams.range("1795479999", "1795480004", NOW))
        .isEqualTo(new IngestParams.Range(1795479999L * S, 1795480004L * S));
    // pyroscope-go: nanoseconds
    assertThat(StrictAtTime.parseNanos("from", "1795479999123456789", NOW)).isEqualTo(1795479999123456789L);
    // milliseconds and microseconds by digit count
    assertThat(StrictAtTime.parseNanos("from", "1795479999123", NOW)).isEqualTo(1795479999123L * 1_000_000L);
    assertThat(StrictAtTime.parseNanos("from", "1795479999123456", NOW)).isEqualTo(1795479999123456L * 1_000L);
    // absent means now, as in Pyroscope
    assertThat(IngestParams.range(null, null, NOW)).isEqualTo(new IngestParams.Range(NOW, NOW));
  }

  @Test
  void pyroscopesOtherFormsStillWork() {
    assertThat(StrictAtTime.parseNanos("from", "now", NOW)).isEqualTo(NOW);
    assertThat(StrictAtTime.parseNanos("from", "now-10s", NOW)).isEqualTo(NOW - 10 * S);
    assertThat(StrictAtTime.parseNanos("from", "now-1h30m", NOW)).isEqualTo(NOW - 5400 * S);
    assertThat(StrictAtTime.parseNanos("from", "now+5min", NOW)).isEqualTo(NOW + 300 * S);
    assertThat(StrictAtTime.parseNanos("from", "-2d", NOW)).isEqualTo(NOW - 2 * 86400 * S);
    assertThat(StrictAtTime.parseNanos("from", "20261123", NOW))
        .isEqualTo(LocalDate.of(2026, 11, 23).atStartOfDay(ZoneOffset.UTC).toEpochSecond() * S);
    assertThat(StrictAtTime.parseNanos("from", "1_795_479_999", NOW)).isEqualTo(1795479999L * S);
    assertThat(StrictAtTime.parseNanos("from", " 1795479999 ", NOW)).isEqualTo(1795479999L * S);
    assertThat(IngestParams.range("1795479999", "1795479999", NOW).fromNanos()).isEqualTo(1795479999L * S);
  }

  @Test
  void timesThatDoNotParseAreRefusedNamingParameterAndValue() {
    assertRefused("from", "abc", "from \"abc\" is not a time");
    assertRefused("until", "1.5", "until \"1.5\" is not a time");
    assertRefused("from", "-1", "from \"-1\" is not a time");
    assertRefused("from", "now-", "is not a time");
    assertRefused("from", "now-1", "is not a time");
    assertRefused("from", "nowish", "is not a time");
    assertRefused("from", "now1h", "is not a time");
    assertRefused("from", "-9999999999999999999", "is not a time");
    assertRefused("from", "now-1x", "the unknown time unit \"x\"");
    assertRefused("from", "", "from is empty");
    assertRefused("from", " ", "from is empty");
  }

  @Test
  void timesThatOverflowOrPrecede1970AreRefused() {
    assertRefused("until", "99999999999999999999", "until \"99999999999999999999\" has too many digits");
    assertRefused("from", "9999999999", "too large for a timestamp in nanoseconds"); // seconds * 1e9 > 2^63
    assertRefused("from", "now-9999999999999y", "too far from now");
    assertRefused("from", "0", "is not after 1970-01-01");
    assertRefused("from", "now-100y", "is not after 1970-01-01");
  }

  @Test
  void fromAfterUntilIsRefused() {
    assertThatThrownBy(() -> IngestParams.range("1795480004", "1795479999", NOW))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessage("from (\"1795480004\", %d ns) is after until (\"1795479999\", %d ns)", 1795480004L * S,
            1795479999L * S);
    assertThatThrownBy(() -> IngestParams.range("now+1h", null, NOW)).hasMessageContaining("until ((absent: now)");
  }

  @Test
  void sampleRateIsAWholeNumberUpToOneGigahertz() {
    assertThat(IngestParams.sampleRate(null)).isEqualTo(100);
    assertThat(IngestParams.sampleRate("100")).isEqualTo(100);
    assertThat(IngestParams.sampleRate("17")).isEqualTo(17); // @pyroscope/nodejs wall (captured)
    assertThat(IngestParams.sampleRate("0")).isZero(); // Pyroscope: counts stay counts
    assertThat(IngestParams.sampleRate("1000000000")).isEqualTo(1_000_000_000L);
    for (String bad : new String[] {"-1", "abc", "1e309", "1.5", "", "0x10"}) {
      assertThatThrownBy(() -> IngestParams.sampleRate(bad)).as(bad)
          .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
          .hasMessage("sampleRate \"%s\" is not a whole number of samples per second between 0 and 1000000000", bad);
    }
    for (String big : new String[] {"1000000001", "99999999999999999999999"}) {
      assertThatThrownBy(() -> IngestParams.sampleRate(big))
          .hasMessage("sampleRate \"%s\" exceeds the limit of 1000000000 samples per second", big);
    }
  }

  private static void assertRefused(String param, String value, String message) {
    assertThatThrownBy(() -> StrictAtTime.parseNanos(param, value, NOW)).as(value)
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining(message);
  }
}
