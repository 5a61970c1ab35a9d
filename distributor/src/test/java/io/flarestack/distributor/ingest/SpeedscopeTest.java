package io.flarestack.distributor.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.errors.TooLargeException;
import io.flarestack.common.io.MemoryBudget;
import io.flarestack.common.io.RequestMemory;
import io.flarestack.common.testing.SharedTestData;
import io.grpc.Context;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpeedscopeTest {
  @Test
  void eventedProfileWeighsStacksByTimeOpen() {
    // simple.speedscope.json: a;b;c open 0-2 and 6-9, a;b;d 2-6, a;b alone 9-14 (Pyroscope's expectation
    // in units of 1/100: a;b 500, a;b;c 500, a;b;d 400).
    List<Speedscope.Profile> ps = Speedscope.parse(SharedTestData.bytes("speedscope/simple.speedscope.json"));
    assertThat(ps).hasSize(1);
    assertThat(ps.get(0).name()).isEqualTo("simple.txt");
    assertThat(ps.get(0).unit()).isEqualTo("none");
    assertThat(ps.get(0).weights()).isEqualTo(Map.of("a;b;c", 5.0, "a;b;d", 4.0, "a;b", 5.0));
  }

  @Test
  void sampledProfilesKeepTheirNamesAndDuplicatesMerge() {
    List<Speedscope.Profile> two = Speedscope.parse(SharedTestData.bytes("speedscope/two-sampled.speedscope.json"));
    assertThat(two).extracting(Speedscope.Profile::name).containsExactly("one", "two");
    assertThat(two.get(0).weights()).isEqualTo(Map.of("a;b;c", 5.0, "a;b;d", 4.0, "a;b", 5.0));

    List<Speedscope.Profile> dup = Speedscope.parse(SharedTestData.bytes("speedscope/duplicates.speedscope.json"));
    assertThat(dup).hasSize(1);
    assertThat(dup.get(0).weights()).isEqualTo(Map.of("a;b;c", 15.0, "a;b;d", 12.0, "a;b", 15.0));
  }

  @Test
  void scaleFollowsTheUnit() {
    assertThat(SpeedscopeScale.of("seconds", 100)).isEqualTo(new SpeedscopeScale(100, 100));
    assertThat(SpeedscopeScale.of("none", 100)).isEqualTo(new SpeedscopeScale(100, 10_000));
    assertThat(SpeedscopeScale.of("milliseconds", 100)).isEqualTo(new SpeedscopeScale(100, 100_000));
    assertThat(SpeedscopeScale.of("nanoseconds", 100)).isEqualTo(new SpeedscopeScale(1, 1_000_000_000));
    assertThat(SpeedscopeScale.of("bytes", 100)).isEqualTo(new SpeedscopeScale(1, 0));
    assertThat(SpeedscopeScale.of("seconds", 250)).isEqualTo(new SpeedscopeScale(100, 250));
    assertThat(SpeedscopeScale.of("seconds", 100).counts(Map.of("a", 1.5, "b", 0.001)))
        .isEqualTo(Map.of("a", 150L));
  }

  @Test
  void badFilesAreRejectedWithAReason() {
    assertThatThrownBy(() -> parse("not json at all")).hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> parse("{\"$schema\":\"x\"}")).hasMessageContaining("unknown speedscope schema \"x\"");
    String head = "{\"$schema\":\"" + Speedscope.SCHEMA + "\",\"shared\":{\"frames\":[{\"name\":\"a\"}]},\"profiles\":[";
    assertThatThrownBy(() -> parse(head + "{\"type\":\"sampled\",\"unit\":\"parsecs\",\"samples\":[],\"weights\":[]}]}"))
        .hasMessageContaining("unknown unit \"parsecs\"");
    assertThatThrownBy(() -> parse(head + "{\"type\":\"sampled\",\"unit\":\"none\",\"samples\":[[1]],\"weights\":[1]}]}"))
        .hasMessageContaining("frame 1 is not an index into shared.frames (1 frames)");
    assertThatThrownBy(() -> parse(head + "{\"type\":\"sampled\",\"unit\":\"none\",\"samples\":[[0]],\"weights\":[]}]}"))
        .hasMessageContaining("1 samples but 0 weights");
    assertThatThrownBy(() -> parse(head + "{\"type\":\"evented\",\"unit\":\"none\",\"events\":["
        + "{\"type\":\"O\",\"frame\":0,\"at\":5},{\"type\":\"C\",\"frame\":0,\"at\":1}]}]}"))
        .hasMessageContaining("events out of order");
    assertThatThrownBy(() -> parse(head + "{\"type\":\"evented\",\"unit\":\"none\",\"events\":["
        + "{\"type\":\"C\",\"frame\":0,\"at\":1}]}]}"))
        .hasMessageContaining("no open frame to close");
    assertThatThrownBy(() -> parse(head + "{\"type\":\"flat\",\"unit\":\"none\"}]}"))
        .hasMessageContaining("type \"flat\" is not supported");
  }

  private static List<Speedscope.Profile> parse(String json) {
    return Speedscope.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aProfileNameWithPercentSignsIsQuotedNotUsedAsAFormat() {
    // Found by DecoderFuzzTest: the name went into String.format's pattern, so "%t" threw
    // UnknownFormatConversionException (a 500) instead of the 400 about the bad frame.
    byte[] body = ("{\"$schema\":\"" + Speedscope.SCHEMA + "\",\"shared\":{\"frames\":[{\"name\":\"a\"}]},"
        + "\"profiles\":[{\"type\":\"evented\",\"unit\":\"none\",\"name\":\"100%t %s %n\","
        + "\"events\":[{\"type\":\"O\",\"at\":0,\"frame\":7}]}]}").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Speedscope.parse(body)).isInstanceOf(FlarestackException.class)
        .hasMessage("speedscope profile 0 (100%t %s %n): frame 7 is not an index into shared.frames (1 frames)");
  }

  @Test
  void stacksAreReservedFromTheRequestMemorySoRepeatedFramesCannotExpandIntoGigabytes() throws Exception {
    // Found with the fuzz test's allocation check: 60 KB of samples repeating one 20 KB frame spelled
    // 400 MB of stacks (sample n is n frames deep), unreserved; the stack is now reserved before it
    // is joined.
    StringBuilder sb = new StringBuilder("{\"$schema\":\"" + Speedscope.SCHEMA + "\",\"shared\":{\"frames\":[{\"name\":\"")
        .append("a".repeat(20_000)).append("\"}]},\"profiles\":[{\"type\":\"sampled\",\"unit\":\"none\",\"name\":\"p\",")
        .append("\"samples\":[");
    int n = 200;
    for (int s = 0; s < n; s++) {
      sb.append(s == 0 ? "[" : ",[").append("0,".repeat(s)).append("0]");
    }
    sb.append("],\"weights\":[").append("1,".repeat(n - 1)).append("1]}]}");
    byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
    assertThat(body.length).isLessThan(62_000);
    try (RequestMemory m = new MemoryBudget(64 << 20).open()) {
      assertThatThrownBy(() -> m.attachTo(Context.ROOT).call(() -> Speedscope.parse(body)))
          .isInstanceOf(TooLargeException.class).hasMessageContaining("for the stacks of the speedscope body");
    }
    // What a profile keeps stays reserved; repeated stacks are charged once.
    try (RequestMemory m = new MemoryBudget(1 << 20).open()) {
      List<Speedscope.Profile> ps = m.attachTo(Context.ROOT).call(
          () -> Speedscope.parse(SharedTestData.bytes("speedscope/simple.speedscope.json")));
      long chars = ps.get(0).weights().keySet().stream().mapToLong(String::length).sum();
      assertThat(m.held()).isBetween(2 * chars, 2 * chars + 3 * 96);
    }
  }
}
