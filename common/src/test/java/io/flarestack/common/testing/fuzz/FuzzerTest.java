package io.flarestack.common.testing.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.errors.TooLargeException;
import io.flarestack.common.io.RequestMemory;
import io.flarestack.common.testing.fuzz.Mutator.Form;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fuzz harness finds what it should, writes it where it says, and is reproducible. */
class FuzzerTest {
  private static final List<byte[]> FOLDED = List.of("main;work 3\nmain;gc 10\n".getBytes(StandardCharsets.UTF_8));

  @TempDir
  Path dir;

  private Fuzzer fuzzer(long seed, Path replay) {
    return new Fuzzer(seed, null, null, null, replay, dir, 64 << 20);
  }

  // A parser with a planted bug: counts past the long range escape as NumberFormatException.
  private static void plantedBug(byte[] input) {
    for (String line : new String(input, StandardCharsets.UTF_8).split("\n")) {
      int sp = line.lastIndexOf(' ');
      if (sp > 0 && line.substring(sp + 1).matches("[0-9]+")) {
        Long.parseLong(line.substring(sp + 1));
      }
    }
  }

  @Test
  void aPlantedBugIsFoundWrittenAndReproducible() throws Exception {
    Fuzzer.Spec spec = new Fuzzer.Spec("planted", Form.TEXT, FOLDED, 2000, (input, call) -> plantedBug(input));

    Fuzzer.Report report = fuzzer(Fuzzer.DEFAULT_SEED, null).run(spec);

    assertThat(report.findings()).hasSize(1);
    Fuzzer.Finding f = report.findings().get(0);
    assertThat(f.error()).isInstanceOf(NumberFormatException.class);
    assertThat(f.file()).hasParent(dir).hasFileName("planted-" + Fuzzer.hash(f.input()) + ".bin");
    assertThat(Files.readAllBytes(f.file())).isEqualTo(f.input());
    assertThat(report.iterations()).as("the build's run stops at the first finding").isEqualTo(f.iteration() + 1);
    // The minimized input still fails the same way and is no longer than the original.
    Path small = f.minimized() != null ? f.minimized() : f.file();
    byte[] minimized = Files.readAllBytes(small);
    assertThat(minimized.length).isLessThanOrEqualTo(f.input().length);
    assertThatThrownBy(() -> plantedBug(minimized)).isInstanceOf(NumberFormatException.class);
    // The message says how to reproduce it.
    assertThatThrownBy(() -> Fuzzer.check(report)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("seed " + Fuzzer.DEFAULT_SEED + ", iteration " + f.iteration())
        .hasMessageContaining(f.file().toString())
        .hasMessageContaining("-Dfuzz.replay=")
        .hasCauseInstanceOf(NumberFormatException.class);
    // Replaying the file finds it again; so does running the same seed up to that iteration.
    Fuzzer.Report replayed = fuzzer(Fuzzer.DEFAULT_SEED, f.file()).run(spec);
    assertThat(replayed.findings()).singleElement().satisfies(r -> assertThat(r.error())
        .isInstanceOf(NumberFormatException.class).hasMessage(f.error().getMessage()));
    Fuzzer.Report again = new Fuzzer(Fuzzer.DEFAULT_SEED, f.iteration() + 1, null, null, null, dir, 64 << 20)
        .run(spec);
    assertThat(again.findings()).singleElement().satisfies(r -> assertThat(r.input()).isEqualTo(f.input()));
  }

  @Test
  void fourHundredsAreValidOutcomesEverythingElseIsAFinding() {
    Fuzzer fuzzer = fuzzer(1, null);
    assertThat(fuzzer.run(spec(() -> {
      throw FlarestackException.invalidArgument("bad input");
    })).findings()).isEmpty();
    assertThat(fuzzer.run(spec(() -> {
      throw new TooLargeException("too large");
    })).findings()).isEmpty();
    assertThat(fuzzer.run(spec(() -> {
      throw new FlarestackException(ErrorCode.INTERNAL, "broken");
    })).findings()).singleElement().satisfies(f -> assertThat(f.error()).hasMessage("broken"));
    assertThat(fuzzer.run(spec(() -> {
      throw new FlarestackException(ErrorCode.UNIMPLEMENTED, "no");
    })).findings()).hasSize(1);
    assertThat(fuzzer.run(spec(() -> {
      throw new StackOverflowError();
    })).findings()).singleElement().satisfies(f -> assertThat(f.error()).isInstanceOf(StackOverflowError.class));
    assertThat(fuzzer.run(spec(() -> {
      throw Fuzzer.finding("HTTP 500");
    })).findings()).hasSize(1);
  }

  @Test
  void theTargetRunsInsideARequestMemoryReservation() {
    List<Boolean> same = new ArrayList<>();
    fuzzer(1, null).run(new Fuzzer.Spec("memory", Form.TEXT, FOLDED, 5, (input, call) -> {
      same.add(RequestMemory.current() == call.memory());
      call.memory().reserve(1 << 20, "a test");
    }));
    assertThat(same).hasSize(5).containsOnly(true);
    // Past the budget, the reservation refuses with a 413, which is a valid outcome.
    Fuzzer small = new Fuzzer(1, null, null, null, null, dir, 1 << 10);
    assertThat(small.run(new Fuzzer.Spec("small", Form.TEXT, FOLDED, 5,
        (input, call) -> call.memory().reserve(1 << 20, "a test"))).outcomes()).containsOnlyKeys(
        "413 the request needs more than");
  }

  @Test
  void allocatingFarMoreThanTheInputAndItsReservationIsAFinding() {
    // 300 MB of garbage for a 23-byte input: what an unreserved expansion looks like.
    Fuzzer.Spec expands = new Fuzzer.Spec("expands", Form.TEXT, FOLDED, 2, (input, call) -> {
      for (int i = 0; i < 300; i++) {
        sink = new byte[1 << 20];
      }
    });
    assertThat(fuzzer(1, null).run(expands).findings()).singleElement().satisfies(f -> assertThat(f.error())
        .hasMessageStartingWith("memory amplification: the input of 23 bytes made the decoder allocate")
        .hasMessageContaining("while it reserved 0 bytes"));
    // The same work with the memory reserved first is what decoders should do.
    Fuzzer.Spec reserves = new Fuzzer.Spec("reserves", Form.TEXT, FOLDED, 2, (input, call) -> {
      call.memory().reserve(300L << 20, "the expansion");
      for (int i = 0; i < 300; i++) {
        sink = new byte[1 << 20];
      }
    });
    assertThat(new Fuzzer(1, null, null, null, null, dir, 1L << 30).run(reserves).findings()).isEmpty();
  }

  private static volatile byte[] sink;

  @Test
  void aRunIsAFunctionOfItsSeed() {
    assertThat(inputs(7)).isEqualTo(inputs(7)).isNotEqualTo(inputs(8));
  }

  private List<String> inputs(long seed) {
    List<String> seen = new ArrayList<>();
    fuzzer(seed, null).run(new Fuzzer.Spec("det", Form.TEXT, FOLDED, 300,
        (input, call) -> seen.add(Fuzzer.hash(input))));
    return seen;
  }

  @Test
  void durationsParse() {
    assertThat(Fuzzer.parseDuration("10m")).isEqualTo(600_000_000_000L);
    assertThat(Fuzzer.parseDuration("30s")).isEqualTo(30_000_000_000L);
    assertThat(Fuzzer.parseDuration("45")).isEqualTo(45_000_000_000L);
    assertThat(Fuzzer.parseDuration("1h")).isEqualTo(3_600_000_000_000L);
    assertThat(Fuzzer.parseDuration("250ms")).isEqualTo(250_000_000L);
    assertThatThrownBy(() -> Fuzzer.parseDuration("ten minutes")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ten minutes");
  }

  private interface Thrower {
    void run();
  }

  private static Fuzzer.Spec spec(Thrower t) {
    return new Fuzzer.Spec("t", Form.TEXT, FOLDED, 3, (input, call) -> t.run());
  }
}
