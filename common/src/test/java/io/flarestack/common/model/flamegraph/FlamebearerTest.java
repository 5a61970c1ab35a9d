package io.flarestack.common.model.flamegraph;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flarestack.api.querier.v1.FlameGraph;
import io.flarestack.api.querier.v1.FlameGraphDiff;
import io.flarestack.api.querier.v1.Level;
import io.flarestack.common.model.ProfileType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected JSON written by hand from the spec (section 6.1, 6.2) and Go's encoding rules. */
class FlamebearerTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ProfileType CPU = ProfileType.parse("process_cpu:cpu:nanoseconds:cpu:nanoseconds");

  private static final FlameGraph WORKED =
      FlameGraph.newBuilder()
          .addAllNames(List.of("total", "main", "b", "a"))
          .addLevels(level(0, 5, 0, 0))
          .addLevels(level(0, 5, 0, 1))
          .addLevels(level(0, 3, 3, 3, 0, 2, 2, 2))
          .setTotal(5)
          .setMaxSelf(3)
          .build();

  @Test
  void renderWithTimeline() throws Exception {
    Timeline t = new Timeline(1_699_999_995L, new long[] {1, 5, 0, 7}, 15);
    String expected =
        "{\"version\":1,"
            + "\"flamebearer\":{\"names\":[\"total\",\"main\",\"b\",\"a\"],"
            + "\"levels\":[[0,5,0,0],[0,5,0,1],[0,3,3,3,0,2,2,2]],\"numTicks\":5,\"maxSelf\":3},"
            + "\"metadata\":{\"format\":\"single\",\"spyName\":\"\",\"sampleRate\":1000000000,\"units\":\"samples\",\"name\":\"cpu\"},"
            + "\"timeline\":{\"startTime\":1699999995,\"samples\":[1,5,0,7],\"durationDelta\":15,\"watermarks\":null},"
            + "\"groups\":null,"
            + "\"heatmap\":null}";
    assertThat(json(Flamebearer.render(WORKED, CPU, t, null))).isEqualTo(expected);
  }

  @Test
  void unitsAndSampleRateFollowTheSampleType() throws Exception {
    assertThat(metadata("memory:inuse_space:bytes:space:bytes"))
        .isEqualTo("{\"format\":\"single\",\"spyName\":\"\",\"sampleRate\":100,\"units\":\"bytes\",\"name\":\"inuse_space\"}");
    assertThat(metadata("memory:alloc_objects:count:space:bytes"))
        .isEqualTo("{\"format\":\"single\",\"spyName\":\"\",\"sampleRate\":100,\"units\":\"objects\",\"name\":\"alloc_objects\"}");
    assertThat(metadata("goroutines:goroutine:count:goroutine:count")).contains("\"units\":\"objects\"");
    assertThat(metadata("process_cpu:samples:count:cpu:nanoseconds")).contains("\"units\":\"objects\"", "\"sampleRate\":100");
    assertThat(metadata("wall:wall:nanoseconds:wall:nanoseconds")).contains("\"units\":\"nanoseconds\"", "\"sampleRate\":100");
    assertThat(metadata("mutex:contentions:count:mutex:count")).contains("\"units\":\"count\"");
  }

  @Test
  void groupsAreKeyedAndSortedLikeAGoMap() throws Exception {
    Map<String, Timeline> groups = new LinkedHashMap<>();
    groups.put("web", new Timeline(30, new long[] {2}, 15));
    groups.put("*", new Timeline(30, new long[] {1}, 15));
    groups.put("api", new Timeline(30, new long[] {0}, 15));
    String out = json(Flamebearer.render(WORKED, CPU, null, groups));
    assertThat(out)
        .contains(
            "\"timeline\":null,\"groups\":{"
                + "\"*\":{\"startTime\":30,\"samples\":[1],\"durationDelta\":15,\"watermarks\":null},"
                + "\"api\":{\"startTime\":30,\"samples\":[0],\"durationDelta\":15,\"watermarks\":null},"
                + "\"web\":{\"startTime\":30,\"samples\":[2],\"durationDelta\":15,\"watermarks\":null}},"
                + "\"heatmap\":null}");
  }

  @Test
  void renderDiff() throws Exception {
    FlameGraphDiff d =
        FlameGraphDiff.newBuilder()
            .addAllNames(List.of("total", "main", "c", "b", "a"))
            .addLevels(level(0, 5, 0, 0, 5, 0, 0))
            .addLevels(level(0, 5, 0, 0, 5, 0, 1))
            .addLevels(level(0, 3, 3, 0, 0, 0, 4, 0, 2, 2, 0, 4, 4, 3, 0, 0, 0, 0, 1, 1, 2))
            .setTotal(10)
            .setMaxSelf(4)
            .setLeftTicks(5)
            .setRightTicks(5)
            .build();
    String expected =
        "{\"version\":1,"
            + "\"flamebearer\":{\"names\":[\"total\",\"main\",\"c\",\"b\",\"a\"],"
            + "\"levels\":[[0,5,0,0,5,0,0],[0,5,0,0,5,0,1],[0,3,3,0,0,0,4,0,2,2,0,4,4,3,0,0,0,0,1,1,2]],"
            + "\"numTicks\":10,\"maxSelf\":4},"
            + "\"metadata\":{\"format\":\"double\",\"spyName\":\"\",\"sampleRate\":1000000000,\"units\":\"samples\",\"name\":\"cpu\"},"
            + "\"timeline\":null,\"groups\":null,\"heatmap\":null,"
            + "\"leftTicks\":5,\"rightTicks\":5}";
    assertThat(json(Flamebearer.renderDiff(d, CPU))).isEqualTo(expected);
  }

  @Test
  void zeroTicksAreOmittedAsWithGoOmitempty() throws Exception {
    FlameGraphDiff d =
        FlameGraphDiff.newBuilder().addNames("total").addLevels(level(0, 0, 0, 0, 3, 0, 0)).setTotal(3).setRightTicks(3).build();
    String out = json(Flamebearer.renderDiff(d, CPU));
    assertThat(out).endsWith("\"heatmap\":null,\"rightTicks\":3}").doesNotContain("leftTicks");
  }

  private static String metadata(String type) throws Exception {
    ObjectNode n = Flamebearer.render(WORKED, ProfileType.parse(type), null, null);
    return json((ObjectNode) n.get("metadata"));
  }

  private static String json(ObjectNode n) throws Exception {
    return MAPPER.writeValueAsString(n);
  }

  private static Level level(long... values) {
    Level.Builder b = Level.newBuilder();
    for (long v : values) {
      b.addValues(v);
    }
    return b.build();
  }
}
