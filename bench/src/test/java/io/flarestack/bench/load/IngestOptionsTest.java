package io.flarestack.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.bench.fleet.Workload;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IngestOptionsTest {
  private static IngestOptions options(boolean paced, Duration from, Duration until) {
    return new IngestOptions("http://localhost:4040", null, Workload.W_S, 1, Duration.ofMinutes(15), paced, from,
        "mixed", "auto", 8, Duration.ofSeconds(5), Set.of(), Set.of(), until);
  }

  @Test
  void aBackfillSpansFromItsStartToNowOrToUntil() {
    assertThat(options(false, Duration.ofMinutes(-50), null).spanNanos()).isEqualTo(Duration.ofMinutes(50).toNanos());
    assertThat(options(false, Duration.ofHours(-2), Duration.ofHours(-1)).spanNanos())
        .isEqualTo(Duration.ofHours(1).toNanos());
    // paced, or not backfilling: the wall-clock duration is the span
    assertThat(options(true, Duration.ZERO, null).spanNanos()).isEqualTo(Duration.ofMinutes(15).toNanos());
  }

  @Test
  void untilMustFollowANegativeFromInMaxMode() {
    assertThatThrownBy(() -> options(false, Duration.ofHours(-1), Duration.ofHours(-2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--until");
    assertThatThrownBy(() -> options(true, Duration.ZERO, Duration.ofHours(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--mode max");
  }
}
