package io.flarestack.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ArgsTest {
  @Test
  void parsesBothFormsAndGoDurations() {
    Args a = Args.parse(new String[] {"--duration", "1h30m", "--from=-50m", "--progress", "250ms", "--runs=7",
        "--services", "svc-7, svc-8"});
    assertThat(a.duration("duration", null)).isEqualTo(Duration.ofMinutes(90));
    assertThat(a.duration("from", null)).isEqualTo(Duration.ofMinutes(-50));
    assertThat(a.duration("progress", null)).isEqualTo(Duration.ofMillis(250));
    assertThat(a.intValue("runs", 1)).isEqualTo(7);
    assertThat(a.list("services")).containsExactly("svc-7", "svc-8");
    assertThat(a.duration("absent", Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    a.requireAllUsed();
  }

  @Test
  void rejectsTyposMissingValuesAndBadNumbers() {
    Args a = Args.parse(new String[] {"--duraton", "5s"});
    a.duration("duration", Duration.ZERO);
    assertThatThrownBy(a::requireAllUsed).hasMessageContaining("duraton");
    assertThatThrownBy(() -> Args.parse(new String[] {"--url"})).hasMessageContaining("--url needs a value");
    assertThatThrownBy(() -> Args.parse(new String[] {"x"})).hasMessageContaining("\"x\"");
    assertThatThrownBy(() -> Args.parse(new String[] {"--a", "1", "--a", "2"})).hasMessageContaining("twice");
    assertThatThrownBy(() -> Args.parse(new String[] {"--runs", "many"}).intValue("runs", 1))
        .hasMessageContaining("--runs must be an integer, got \"many\"");
    assertThatThrownBy(() -> Args.parse(new String[] {"--duration", "5 sec"}).duration("duration", null))
        .hasMessageContaining("5 sec");
  }
}
