package io.flarestack.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollTest {
  @Test
  void returnsTheFirstAcceptedValue() {
    AtomicInteger calls = new AtomicInteger();

    int value = Poll.until("the counter to reach 3", Duration.ofSeconds(30), calls::incrementAndGet, n -> n >= 3);

    assertThat(value).isEqualTo(3);
    assertThat(calls).hasValue(3);
  }

  @Test
  void aTimeoutSaysWhatWasAwaitedAndTheLastValueSeen() {
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(() -> Poll.until("the counter to reach a million", Duration.ofMillis(50), calls::incrementAndGet,
        n -> n >= 1_000_000))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("timed out after 50 ms waiting for the counter to reach a million")
        .hasMessageEndingWith("the last value seen was " + calls.get());
    assertThat(calls.get()).as("polled again once the deadline had passed").isGreaterThanOrEqualTo(2);
  }

  @Test
  void parksForTheIntervalBetweenPolls() {
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(() -> Poll.until("never", Duration.ofMillis(200), Duration.ofMillis(50), calls::incrementAndGet,
        n -> false)).isInstanceOf(AssertionError.class);

    // Every pause lasts its whole interval (or what is left until the deadline), so a 200 ms wait
    // polls at 0, 50, 100, 150 and 200 ms at the most; a spinning waiter would poll millions of times.
    assertThat(calls.get()).isBetween(2, 5);
  }

  @Test
  void aConditionIsPolledUntilTrue() {
    AtomicInteger calls = new AtomicInteger();

    Poll.until("the third call", Duration.ofSeconds(30), () -> calls.incrementAndGet() == 3);

    assertThat(calls).hasValue(3);
  }

  @Test
  void aFailingProbeEndsTheWait() {
    assertThatThrownBy(() -> Poll.until("a probe that breaks", Duration.ofSeconds(30), () -> {
      throw new IllegalStateException("broken");
    })).isInstanceOf(IllegalStateException.class).hasMessage("broken");
    assertThatThrownBy(() -> Poll.until("a probe that cannot read", Duration.ofSeconds(30), () -> {
      throw new IOException("unreadable");
    })).isInstanceOf(AssertionError.class).hasMessageContaining("a probe that cannot read")
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void anInterruptEndsTheWaitAndStaysSet() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> Poll.until("never", Duration.ofSeconds(30), () -> false))
          .isInstanceOf(AssertionError.class).hasMessageContaining("interrupted while waiting for never");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
