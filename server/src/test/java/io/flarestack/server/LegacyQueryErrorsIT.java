package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.flarestack.api.querier.v1.DiffRequest;
import io.flarestack.api.querier.v1.SelectMergeStacktracesRequest;
import io.flarestack.server.testing.RouteSweep;
import io.flarestack.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The attack report's D3: the legacy query endpoints answered 500 for the querier's
 * invalid_argument. Each answers now with exactly the status, code and message the Connect API
 * gives for the same query (asked here side by side), or with its own 4xx for its own parameters.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LegacyQueryErrorsIT {
  private static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long HOUR = 3_600_000;

  private TestServer server;
  private long now;

  @BeforeAll
  void start() throws Exception {
    server = TestServer.start();
    // Whole seconds in the past: "from"/"until" below are explicit 13-digit epoch ms, so the legacy
    // and the Connect request hold exactly the same range.
    now = System.currentTimeMillis() / 1000 * 1000 - 60_000;
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void aRangeLongerThanMaxQueryLengthIsTheSame400() throws Exception {
    long from = now - Duration.ofHours(48).toMillis();
    Answer legacy = get("/pyroscope/render?query=" + RouteSweep.q(CPU + "{}") + "&from=" + from + "&until=" + now);
    Answer connect = connect("SelectMergeStacktraces", stacktraces(from, now).build());
    assertThat(legacy).isEqualTo(connect);
    assertThat(legacy.status()).isEqualTo(400);
    assertThat(legacy.code()).isEqualTo("invalid_argument");
    assertThat(legacy.message()).isEqualTo("the query time range exceeds the limit (max_query_length, actual: 48h0m0s, limit:"
        + " 24h0m0s, -querier.max-query-length (limits.max_query_length))");
    // The report's request: the 7-day lookback clamps the start first, as in Pyroscope, so the
    // length refused is (about, the server's clock moves on) 7 days.
    Answer tenYears = get("/pyroscope/render?query=" + RouteSweep.q(CPU + "{}") + "&from=now-10y&until=now");
    assertThat(tenYears.status()).isEqualTo(400);
    assertThat(tenYears.message()).containsPattern("max_query_length, actual: (168h0m0s|167h59m59\\.\\d+s), limit: 24h0m0s");
  }

  @Test
  void nodeBudgetsAreValidatedAsOnTheConnectApi() throws Exception {
    for (long maxNodes : new long[] {1_000_000_000L, -1, Long.MIN_VALUE}) {
      Answer connect = connect("SelectMergeStacktraces", stacktraces(now - HOUR, now).setMaxNodes(maxNodes).build());
      String q = "?query=" + RouteSweep.q(CPU + "{}") + "&from=" + (now - HOUR) + "&until=" + now;
      assertThat(get("/pyroscope/render" + q + "&max-nodes=" + maxNodes)).as("max-nodes %d", maxNodes).isEqualTo(connect);
      assertThat(get("/pyroscope/render" + q + "&maxNodes=" + maxNodes)).as("maxNodes %d", maxNodes).isEqualTo(connect);
      assertThat(connect.status()).isEqualTo(400);
    }
    Answer tooMany = get("/pyroscope/render?query=" + RouteSweep.q(CPU + "{}") + "&max-nodes=1000000000");
    assertThat(tooMany.message())
        .isEqualTo("max_nodes 1000000000 exceeds the limit of 1048576 (max_flamegraph_nodes_max,"
            + " -querier.max-flamegraph-nodes-max (limits.max_flamegraph_nodes_max))");
    assertThat(get("/pyroscope/render?query=" + RouteSweep.q(CPU + "{}") + "&max-nodes=0").status()).isEqualTo(200);
    assertThat(get("/pyroscope/render?query=" + RouteSweep.q(CPU + "{}") + "&max-nodes=abc").message())
        .isEqualTo("max-nodes must be an integer, got abc");
  }

  @Test
  void renderDiffPassesEachSidesErrorThrough() throws Exception {
    String good = RouteSweep.q(CPU + "{}");
    // leftFrom after leftUntil.
    Answer legacy = get("/pyroscope/render-diff?leftQuery=" + good + "&rightQuery=" + good + "&leftFrom=" + now + "&leftUntil="
        + (now - HOUR) + "&rightFrom=" + (now - HOUR) + "&rightUntil=" + now);
    Answer connect = connect("Diff", DiffRequest.newBuilder()
        .setLeft(stacktraces(now, now - HOUR)).setRight(stacktraces(now - HOUR, now)).build());
    assertThat(legacy).isEqualTo(connect);
    assertThat(legacy.status()).isEqualTo(400);
    assertThat(legacy.message()).isEqualTo("left: query start time " + now + " is after end time " + (now - HOUR));
    // until 10 years ahead.
    long future = now + Duration.ofDays(3650).toMillis();
    Answer ahead = get("/pyroscope/render-diff?leftQuery=" + good + "&rightQuery=" + good + "&leftFrom=" + (now - HOUR)
        + "&leftUntil=" + now + "&rightFrom=" + (now - HOUR) + "&rightUntil=" + future);
    assertThat(ahead).isEqualTo(connect("Diff", DiffRequest.newBuilder()
        .setLeft(stacktraces(now - HOUR, now)).setRight(stacktraces(now - HOUR, future)).build()));
    assertThat(ahead.status()).isEqualTo(400);
    assertThat(ahead.message()).startsWith("right: the query time range exceeds the limit (max_query_length");
    // max-nodes applies to both sides.
    assertThat(get("/pyroscope/render-diff?leftQuery=" + good + "&rightQuery=" + good + "&max-nodes=-1").status()).isEqualTo(400);
  }

  @Test
  void theEndpointsOwnParameters() throws Exception {
    String good = RouteSweep.q(CPU + "{}");
    assertThat(get("/pyroscope/render")).isEqualTo(new Answer(400, "invalid_argument", "query is required"));
    assertThat(get("/pyroscope/render?query=" + RouteSweep.q("cpu{}")).status()).isEqualTo(400);
    assertThat(get("/pyroscope/render?query=" + good + "&format=xml")).isEqualTo(new Answer(400, "invalid_argument",
        "unknown format xml; use json"));
    Answer dot = get("/pyroscope/render?query=" + good + "&format=dot");
    assertThat(dot.status()).isEqualTo(501);
    assertThat(dot.code()).isEqualTo("unimplemented");
    assertThat(dot.message()).contains("not implemented");
    assertThat(get("/pyroscope/render?query=" + good + "&aggregation=BOGUS").status()).isEqualTo(400);
    assertThat(get("/pyroscope/render?query=" + good + "&from=now&until=now-1h").status()).isEqualTo(400);
    assertThat(get("/pyroscope/render-diff?leftQuery=" + good + "&rightQuery=" + RouteSweep.q("memory:alloc_space:bytes:space:bytes{}"))
        .message()).contains("same profile type");
    assertThat(get("/pyroscope/label-values")).isEqualTo(new Answer(400, "invalid_argument", "label is required"));
    assertThat(get("/pyroscope/labels").status()).isEqualTo(404);
    HttpResponse<byte[]> post = server.post("/pyroscope/render?query=" + good, "application/json", "{}".getBytes());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  private record Answer(int status, String code, String message) {}

  private Answer get(String path) throws Exception {
    return answer(server.get(path));
  }

  private Answer connect(String method, Message request) throws Exception {
    String json = JsonFormat.printer().print(request);
    return answer(server.post("/querier.v1.QuerierService/" + method, "application/json", json.getBytes()));
  }

  private static Answer answer(HttpResponse<byte[]> r) throws Exception {
    if (r.statusCode() == 200) {
      return new Answer(200, null, null);
    }
    JsonNode body = JSON.readTree(r.body());
    return new Answer(r.statusCode(), body.path("code").asText(null), body.path("message").asText(null));
  }

  private static SelectMergeStacktracesRequest.Builder stacktraces(long start, long end) {
    return SelectMergeStacktracesRequest.newBuilder().setProfileTypeID(CPU).setLabelSelector("{}").setStart(start).setEnd(end);
  }
}
