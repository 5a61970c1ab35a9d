package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Line;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.google.v1.ValueType;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.api.push.v1.RawSample;
import io.flarestack.api.querier.v1.DiffRequest;
import io.flarestack.api.querier.v1.DiffResponse;
import io.flarestack.api.querier.v1.FlameGraph;
import io.flarestack.api.querier.v1.Level;
import io.flarestack.api.querier.v1.SelectMergeProfileRequest;
import io.flarestack.api.querier.v1.SelectMergeStacktracesRequest;
import io.flarestack.api.querier.v1.SelectMergeStacktracesResponse;
import io.flarestack.api.querier.v1.SelectSeriesRequest;
import io.flarestack.api.querier.v1.SelectSeriesResponse;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.api.types.v1.Point;
import io.flarestack.api.types.v1.Series;
import io.flarestack.common.model.tree.CallTree;
import io.flarestack.common.model.tree.TreeBytes;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.server.testing.RouteSweep;
import io.flarestack.server.testing.TestServer;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The attack report's D5, end to end: a profile whose values add up past int64 is refused with
 * a 4xx; valid profiles that together add up past it give saturated, non-negative, consistent
 * answers on every read path. Expectations are exact sums (BigInteger) of what was pushed,
 * clamped to {@code Long.MAX_VALUE}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SampleValueOverflowIT {
  private static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
  private static final String Q = "/querier.v1.QuerierService/";
  private static final long MAX = Long.MAX_VALUE;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Per profile: main;a = 3 and main;b;c = 2^62, a valid total of 2^62 + 3. */
  private static final long A = 3;
  private static final long C = 1L << 62;
  private static final int PROFILES = 3;

  private TestServer server;
  private long now;

  @BeforeAll
  void pushValidProfilesThatAddUpPastInt64() throws Exception {
    server = TestServer.start();
    now = System.currentTimeMillis();
    for (int i = 0; i < PROFILES; i++) {
      Map<List<String>, Long> stacks = new LinkedHashMap<>();
      stacks.put(List.of("main", "a"), A);
      stacks.put(List.of("main", "b", "c"), C);
      HttpResponse<byte[]> r = push("sat", profile(now - 60_000 - i * 10_000L, stacks));
      assertThat(r.statusCode()).as(TestServer.text(r)).isEqualTo(200);
    }
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void aProfileWhoseValuesOverflowIsRefused() throws Exception {
    // The report's profile: two samples of 2^63-1.
    Map<List<String>, Long> stacks = new LinkedHashMap<>();
    stacks.put(List.of("main", "a"), MAX);
    stacks.put(List.of("main", "b"), MAX);
    Profile p = profile(now - 30_000, stacks);
    HttpResponse<byte[]> push = push("ovf", p);
    assertThat(push.statusCode()).as(TestServer.text(push)).isEqualTo(400);
    assertThat(TestServer.text(push)).contains("\"code\":\"invalid_argument\"").contains("int64")
        .contains("sample 1 adds 9223372036854775807 to 9223372036854775807");
    HttpResponse<byte[]> ingest = server.post("/ingest?name=ovf.cpu&format=pprof", "application/octet-stream", p.toByteArray());
    assertThat(ingest.statusCode()).as(TestServer.text(ingest)).isBetween(400, 499);
    assertThat(TestServer.text(ingest)).contains("int64");
    // Nothing of it was stored.
    assertThat(flameGraph("{service_name=\"ovf\"}").getTotal()).isZero();
  }

  @Test
  void flameGraphsSaturateAndStayConsistent() throws Exception {
    FlameGraph fg = flameGraph("{service_name=\"sat\"}");
    assertThat(fg.getTotal()).isEqualTo(clamp(exact(A + C)));
    Map<String, Long> totals = new HashMap<>();
    checkLevels(fg.getLevelsList(), fg.getNamesList(), totals);
    assertThat(totals).containsExactlyInAnyOrderEntriesOf(Map.of(
        "total", MAX,
        "total;main", clamp(exact(A + C)),
        "total;main;a", clamp(exact(A)),
        "total;main;b", clamp(exact(C)),
        "total;main;b;c", clamp(exact(C))));
    assertThat(totals.get("total;main;a")).isEqualTo(PROFILES * A); // the small branch stays exact
  }

  @Test
  void treeAndPprofFormatsSaturate() throws Exception {
    SelectMergeStacktracesResponse tree = server.connect(Q + "SelectMergeStacktraces",
        select("{service_name=\"sat\"}").setFormatValue(2).build(), SelectMergeStacktracesResponse.parser());
    CallTree t = TreeBytes.unmarshal(tree.getTree().toByteArray());
    assertThat(t.total()).isEqualTo(MAX);
    Map<String, Long> selves = new HashMap<>();
    for (int n = 1; n < t.size(); n++) {
      if (t.self(n) != 0) {
        selves.put(t.name(t.parent(n)) + ";" + t.name(n), t.self(n));
      }
    }
    assertThat(selves).containsExactlyInAnyOrderEntriesOf(Map.of("main;a", PROFILES * A, "b;c", clamp(exact(C))));

    Map<String, Long> expectedStacks = Map.of("main;a", PROFILES * A, "main;b;c", clamp(exact(C)));
    SelectMergeStacktracesResponse pprof = server.connect(Q + "SelectMergeStacktraces",
        select("{service_name=\"sat\"}").setFormatValue(4).build(), SelectMergeStacktracesResponse.parser());
    assertThat(PprofFacts.collapsed(pprof.getPprof().getProfile(), 0)).isEqualTo(expectedStacks);
    Profile merged = server.connect(Q + "SelectMergeProfile", SelectMergeProfileRequest.newBuilder().setProfileTypeID(CPU)
        .setLabelSelector("{service_name=\"sat\"}").setStart(now - 3_600_000).setEnd(now + 60_000).build(), Profile.parser());
    assertThat(PprofFacts.collapsed(merged, 0)).isEqualTo(expectedStacks);
  }

  @Test
  void seriesAreNeverNegative() throws Exception {
    SelectSeriesResponse r = server.connect(Q + "SelectSeries", SelectSeriesRequest.newBuilder().setProfileTypeID(CPU)
        .setLabelSelector("{service_name=\"sat\"}").setStart(now - 3_600_000).setEnd(now + 60_000).setStep(15).build(),
        SelectSeriesResponse.parser());
    double sum = 0;
    for (Series s : r.getSeriesList()) {
      for (Point p : s.getPointsList()) {
        assertThat(p.getValue()).isPositive();
        sum += p.getValue();
      }
    }
    // Series values are doubles: they do not wrap, and they keep the sum past int64.
    assertThat(sum).isCloseTo(exact(A + C).doubleValue(), org.assertj.core.data.Percentage.withPercentage(1e-9));
  }

  @Test
  void diffsOfSaturatedDataAreAnswered() throws Exception {
    DiffResponse d = server.connect(Q + "Diff", DiffRequest.newBuilder()
        .setLeft(select("{service_name=\"sat\"}")).setRight(select("{service_name=\"sat\"}")).build(), DiffResponse.parser());
    assertThat(d.getFlamegraph().getLeftTicks()).isEqualTo(MAX);
    assertThat(d.getFlamegraph().getRightTicks()).isEqualTo(MAX);
    assertThat(d.getFlamegraph().getTotal()).isEqualTo(MAX);
    for (Level l : d.getFlamegraph().getLevelsList()) {
      assertThat(l.getValuesList()).allMatch(v -> v >= 0);
    }
    String q = RouteSweep.q(CPU + "{service_name=\"sat\"}");
    HttpResponse<byte[]> diff = server.get("/pyroscope/render-diff?leftQuery=" + q + "&rightQuery=" + q + "&leftFrom=now-1h"
        + "&leftUntil=now%2B1m&rightFrom=now-1h&rightUntil=now%2B1m");
    assertThat(diff.statusCode()).as(TestServer.text(diff)).isEqualTo(200);
    JsonNode diffBody = JSON.readTree(diff.body());
    assertThat(diffBody.at("/flamebearer/numTicks").asLong()).isEqualTo(MAX);
    assertThat(diffBody.at("/flamebearer/levels").toString()).doesNotContain("-");

    HttpResponse<byte[]> render = server.get("/pyroscope/render?query=" + q + "&from=now-1h&until=now%2B1m");
    assertThat(render.statusCode()).as(TestServer.text(render)).isEqualTo(200);
    JsonNode body = JSON.readTree(render.body());
    assertThat(body.at("/flamebearer/numTicks").asLong()).isEqualTo(MAX);
    assertThat(body.at("/flamebearer/levels").toString()).doesNotContain("-");
    assertThat(body.at("/timeline/samples").toString()).doesNotContain("-");
  }

  /**
   * Decodes flame graph levels with exact offsets (a wrapped value could not hide) and checks on
   * the way that no value is negative and that each node's total is its self plus its children's
   * totals, clamped. Fills {@code totals} by path ("total;main;a").
   */
  private static void checkLevels(List<Level> levels, List<String> names, Map<String, Long> totals) {
    record Node(BigInteger x, long total, long self, String path, List<Node> children) {}
    List<Long> root = levels.get(0).getValuesList();
    Node top = new Node(BigInteger.ZERO, root.get(1), root.get(2), names.get(root.get(3).intValue()), new ArrayList<>());
    List<Node> all = new ArrayList<>(List.of(top));
    List<Node> parents = List.of(top);
    for (int l = 1; l < levels.size(); l++) {
      List<Long> v = levels.get(l).getValuesList();
      List<Node> next = new ArrayList<>();
      BigInteger prevEnd = BigInteger.ZERO;
      for (int i = 0; i < v.size(); i += 4) {
        assertThat(v.subList(i, i + 4)).allMatch(x -> x >= 0);
        BigInteger x = prevEnd.add(BigInteger.valueOf(v.get(i)));
        prevEnd = x.add(BigInteger.valueOf(v.get(i + 1)));
        Node parent = parents.stream()
            .filter(p -> x.compareTo(p.x()) >= 0 && x.compareTo(p.x().add(BigInteger.valueOf(p.total()))) < 0)
            .findFirst().orElseThrow(() -> new AssertionError("no parent at x=" + x));
        Node n = new Node(x, v.get(i + 1), v.get(i + 2), parent.path() + ";" + names.get(v.get(i + 3).intValue()), new ArrayList<>());
        parent.children().add(n);
        next.add(n);
        all.add(n);
      }
      parents = next;
    }
    for (Node n : all) {
      BigInteger sum = BigInteger.valueOf(n.self());
      for (Node c : n.children()) {
        sum = sum.add(BigInteger.valueOf(c.total()));
      }
      assertThat(n.total()).as("total of %s", n.path()).isEqualTo(clamp(sum));
      totals.put(n.path(), n.total());
    }
  }

  /** The exact sum over all pushed profiles of a per-profile value. */
  private static BigInteger exact(long perProfile) {
    return BigInteger.valueOf(perProfile).multiply(BigInteger.valueOf(PROFILES));
  }

  private static long clamp(BigInteger v) {
    return v.min(BigInteger.valueOf(MAX)).longValueExact();
  }

  private FlameGraph flameGraph(String selector) throws Exception {
    return server.connect(Q + "SelectMergeStacktraces", select(selector).build(), SelectMergeStacktracesResponse.parser())
        .getFlamegraph();
  }

  private SelectMergeStacktracesRequest.Builder select(String selector) {
    return SelectMergeStacktracesRequest.newBuilder().setProfileTypeID(CPU).setLabelSelector(selector)
        .setStart(now - 3_600_000).setEnd(now + 60_000);
  }

  private HttpResponse<byte[]> push(String service, Profile p) throws Exception {
    PushRequest req = PushRequest.newBuilder().addSeries(RawProfileSeries.newBuilder()
        .addLabels(LabelPair.newBuilder().setName("__name__").setValue("process_cpu"))
        .addLabels(LabelPair.newBuilder().setName("service_name").setValue(service))
        .addSamples(RawSample.newBuilder().setRawProfile(ByteString.copyFrom(p.toByteArray())))).build();
    return server.post("/push.v1.PusherService/Push", "application/proto", req.toByteArray());
  }

  /** A cpu/nanoseconds pprof with one sample per stack (frames root first), one function and location per name. */
  private static Profile profile(long timeMs, Map<List<String>, Long> stacks) {
    List<String> strings = new ArrayList<>(List.of("", "cpu", "nanoseconds"));
    Profile.Builder b = Profile.newBuilder()
        .addSampleType(ValueType.newBuilder().setType(1).setUnit(2))
        .setPeriodType(ValueType.newBuilder().setType(1).setUnit(2))
        .setPeriod(10_000_000).setTimeNanos(timeMs * 1_000_000L);
    Map<String, Long> locationOf = new HashMap<>();
    for (Map.Entry<List<String>, Long> e : stacks.entrySet()) {
      Sample.Builder s = Sample.newBuilder().addValue(e.getValue());
      List<String> frames = e.getKey();
      for (int i = frames.size() - 1; i >= 0; i--) {
        String name = frames.get(i);
        Long loc = locationOf.get(name);
        if (loc == null) {
          loc = (long) locationOf.size() + 1;
          locationOf.put(name, loc);
          strings.add(name);
          b.addFunction(Function.newBuilder().setId(loc).setName(strings.size() - 1));
          b.addLocation(Location.newBuilder().setId(loc).addLine(Line.newBuilder().setFunctionId(loc)));
        }
        s.addLocationId(loc);
      }
      b.addSample(s);
    }
    return b.addAllStringTable(strings).build();
  }
}
