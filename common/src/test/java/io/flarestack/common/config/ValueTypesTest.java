package io.flarestack.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValueTypesTest {
  @Test
  void goDurations() {
    assertThat(ValueTypes.parseDuration("15s")).isEqualTo(Duration.ofSeconds(15));
    assertThat(ValueTypes.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(ValueTypes.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(ValueTypes.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(ValueTypes.parseDuration("2us")).isEqualTo(Duration.ofNanos(2000));
    assertThat(ValueTypes.parseDuration("1d")).isEqualTo(Duration.ofDays(1));
    assertThat(ValueTypes.parseDuration("1w")).isEqualTo(Duration.ofDays(7));
    assertThat(ValueTypes.parseDuration("0")).isEqualTo(Duration.ZERO);
    assertThat(ValueTypes.parseDuration("-5m")).isEqualTo(Duration.ofMinutes(-5));
    for (String bad : List.of("", "15", "s", "10x", "1..5s")) {
      assertThatThrownBy(() -> ValueTypes.parseDuration(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void megabyteOptionsReadAPlainNumberAsMibAsPyroscopeDoes() {
    assertThat(ValueTypes.MEBIBYTES.parse("16")).isEqualTo(16L << 20);
    assertThat(ValueTypes.MEBIBYTES.parse("0.5")).isEqualTo(512L << 10);
    assertThat(ValueTypes.MEBIBYTES.parse("64KiB")).isEqualTo(64L << 10);
    assertThat(ValueTypes.MEBIBYTES.parse("256MB")).isEqualTo(256_000_000L);
    assertThat(ValueTypes.MEBIBYTES.toYaml(256L << 20)).isEqualTo(256L);
    assertThat(ValueTypes.MEBIBYTES.toYaml(512L << 10)).isEqualTo(0.5);
    for (String bad : List.of("", "1..2", "ten")) {
      assertThatThrownBy(() -> ValueTypes.MEBIBYTES.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void formatsLikeGo() {
    assertThat(ValueTypes.formatDuration(Duration.ofHours(1))).isEqualTo("1h0m0s");
    assertThat(ValueTypes.formatDuration(Duration.ofSeconds(15))).isEqualTo("15s");
    assertThat(ValueTypes.formatDuration(Duration.ofMillis(500))).isEqualTo("500ms");
    assertThat(ValueTypes.formatDuration(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(ValueTypes.formatDuration(Duration.ofMinutes(2))).isEqualTo("2m0s");
    assertThat(ValueTypes.formatDuration(Duration.ZERO)).isEqualTo("0s");
    assertThat(ValueTypes.formatDuration(Duration.ofMinutes(-90))).isEqualTo("-1h30m0s");
    assertThat(ValueTypes.formatDuration(Duration.ofDays(3650))).isEqualTo("87600h0m0s");
    // Beyond Go's (and toNanos()'s) 292 years: a query range of -2^63 .. 2^63-1 ms.
    assertThat(ValueTypes.formatDuration(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo("2562047788015215h30m7s");
    assertThat(ValueTypes.formatDuration(Duration.ofMillis(Long.MAX_VALUE).minusMillis(Long.MIN_VALUE)))
        .isEqualTo("5124095576030h25m51.615s");
    for (Duration d : List.of(Duration.ofMinutes(90), Duration.ofMillis(1234), Duration.ofDays(7), Duration.ofNanos(7))) {
      assertThat(ValueTypes.parseDuration(ValueTypes.formatDuration(d))).isEqualTo(d);
    }
  }

  @Test
  void byteSizes() {
    assertThat(ValueTypes.parseBytes("4194304")).isEqualTo(4194304);
    assertThat(ValueTypes.parseBytes("4MiB")).isEqualTo(4L << 20);
    assertThat(ValueTypes.parseBytes("256MB")).isEqualTo(256_000_000L);
    assertThat(ValueTypes.parseBytes("1GiB")).isEqualTo(1L << 30);
    assertThat(ValueTypes.parseBytes("10 KB")).isEqualTo(10_000);
    assertThatThrownBy(() -> ValueTypes.parseBytes("lots")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ValueTypes.parseBytes("4XB")).hasMessageContaining("XB");
  }

  @Test
  void scalarsAndLists() {
    assertThat(ValueTypes.BOOLEAN.parse("true")).isTrue();
    assertThatThrownBy(() -> ValueTypes.BOOLEAN.parse("yes please")).hasMessageContaining("true or false");
    assertThatThrownBy(() -> ValueTypes.INTEGER.parse("4040x")).hasMessageContaining("\"4040x\"");
    assertThat(ValueTypes.STRING_LIST.parse("a, b,,c")).containsExactly("a", "b", "c");
    assertThat(ValueTypes.STRING_LIST.fromYaml(List.of("x", 1))).containsExactly("x", "1");
  }
}
