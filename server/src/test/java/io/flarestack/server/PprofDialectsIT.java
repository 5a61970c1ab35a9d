package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.PusherServiceGrpc;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.api.push.v1.RawSample;
import io.flarestack.api.querier.v1.SelectMergeSpanProfileRequest;
import io.flarestack.api.querier.v1.SelectMergeStacktracesRequest;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * pprof as the SDKs send it, through the real server: the Node SDK's captured requests replayed
 * byte for byte (raw gzipped body, {@code application/octet-stream}, the untrusted
 * {@code sampleRate=17}), the Go SDK's multipart form with {@code prev_profile} (refused, as
 * Pyroscope does), server-side deltas of cumulative memory profiles, and span profiles selected by
 * {@code span_id} / legacy {@code profile_id} sample labels.
 */
class PprofDialectsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BOUNDARY = "flarestack-boundary-7d1c";
  private static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
  private static DialectServer server;

  @BeforeAll
  static void start() throws Exception {
    server = DialectServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void nodeSdkRequestsReplayedExactly() throws Exception {
    Profile wall = replayNode("wall-cpu-pprof");
    Profile heap = replayNode("heap-pprof");
    String node = "{service_name=\"node.app\"}";
    long[] range = range(wall);
    // sampleRate=17 is ignored on the pprof path: every type keeps the SDK's own values.
    for (int i = 0; i < wall.getSampleTypeCount(); i++) {
      Profile got = server.mergeProfile(PprofFacts.profileType("wall", wall, i), node, range[0], range[1]);
      assertThat(PprofFacts.collapsed(got, 0)).as("type %d", i).isEqualTo(PprofFacts.collapsed(wall, i));
    }
    assertThat(PprofFacts.total(server.mergeProfile("wall:wall:nanoseconds:wall:nanoseconds", node, range[0], range[1]), 0))
        .isEqualTo(2_986_940_000L);
    Profile car = server.mergeProfile("wall:cpu:nanoseconds:wall:nanoseconds",
        "{service_name=\"node.app\", vehicle=\"car\"}", range[0], range[1]);
    assertThat(PprofFacts.collapsed(car, 0)).isEqualTo(PprofFacts.collapsed(wall, 2, s -> "car".equals(
        PprofFacts.label(wall, s, "vehicle"))));
    for (int i = 0; i < heap.getSampleTypeCount(); i++) {
      Profile got = server.mergeProfile(PprofFacts.profileType("memory", heap, i), node, range[0], range[1]);
      assertThat(PprofFacts.collapsed(got, 0)).isEqualTo(PprofFacts.collapsed(heap, i));
    }
  }

  @Test
  void prevProfileIsRefusedAsAnUnsupportedClientVersionAndStoresNothing() throws Exception {
    String app = app();
    byte[] cpu = SharedTestData.bytes("go/cpu-short.pb.gz");
    HttpResponse<byte[]> r = server.post("/ingest?name=" + app + "&spyName=gospy",
        multipart(Map.of("profile", cpu, "prev_profile", cpu)), "Content-Type", "multipart/form-data; boundary=" + BOUNDARY);
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("unsupported client version");

    HttpResponse<byte[]> missing = server.post("/ingest?name=" + app + "&spyName=gospy",
        multipart(Map.of("sample_type_config", SharedTestData.bytes("pprof/og-convert-pprof/req_2.st.json"))),
        "Content-Type", "multipart/form-data; boundary=" + BOUNDARY);
    assertThat(missing.statusCode()).isEqualTo(422);
    assertThat(new String(missing.body(), StandardCharsets.UTF_8)).contains("no file part named \\\"profile\\\"");

    long[] range = range(PprofFacts.parse(cpu));
    assertThat(server.mergeProfile(CPU, "{service_name=\"" + app + "\"}", range[0], range[1]).getSampleCount()).isZero();

    // The same form without prev_profile is the Go SDK's ordinary upload.
    assertThat(server.post("/ingest?name=" + app + "&spyName=gospy", multipart(Map.of("profile", cpu)),
        "Content-Type", "multipart/form-data; boundary=" + BOUNDARY).statusCode()).isEqualTo(200);
    assertThat(PprofFacts.collapsed(server.mergeProfile(CPU, "{service_name=\"" + app + "\"}", range[0], range[1]), 0))
        .isEqualTo(PprofFacts.collapsed(PprofFacts.parse(cpu), 1));
  }

  @Test
  void cumulativeMemoryProfilesAreStoredAsDeltasUnlessDeltaIsFalse() throws Exception {
    Profile first = PprofFacts.parse(SharedTestData.bytes("go/heap.pb.gz"));
    long now = System.currentTimeMillis() * 1_000_000L;
    first = first.toBuilder().setTimeNanos(now - 20_000_000_000L).build();
    Profile tripled = tripled(first).toBuilder().setTimeNanos(now - 10_000_000_000L).build();
    String cumulative = app();
    String delta = app();
    for (Profile p : List.of(first, tripled)) {
      push(p, "__name__", "memory", "service_name", cumulative);
      push(p, "__name__", "memory", "service_name", delta, "__delta__", "false");
    }
    long startMs = now / 1_000_000 - 60_000;
    long endMs = now / 1_000_000 + 60_000;
    String alloc = "memory:alloc_space:bytes:space:bytes";
    String inuse = "memory:inuse_space:bytes:space:bytes";
    // The first cumulative profile only primes the state; the second is stored as 3x - x.
    assertThat(PprofFacts.collapsed(server.mergeProfile(alloc, sel(cumulative), startMs, endMs), 0))
        .isEqualTo(PprofFacts.scaled(PprofFacts.collapsed(first, 1), 2));
    assertThat(PprofFacts.total(server.mergeProfile("memory:alloc_objects:count:space:bytes", sel(cumulative), startMs, endMs), 0))
        .isEqualTo(2 * PprofFacts.total(first, 0)).isPositive();
    // In-use types are not cumulative: both profiles are stored.
    assertThat(PprofFacts.collapsed(server.mergeProfile(inuse, sel(cumulative), startMs, endMs), 0))
        .isEqualTo(PprofFacts.scaled(PprofFacts.collapsed(first, 3), 4));
    // __delta__="false": stored as sent.
    assertThat(PprofFacts.collapsed(server.mergeProfile(alloc, sel(delta), startMs, endMs), 0))
        .isEqualTo(PprofFacts.scaled(PprofFacts.collapsed(first, 1), 4));
  }

  @Test
  void spanProfilesSelectTheSamplesOfTheGivenSpans() throws Exception {
    // span_id sample labels, pushed over Push: the fixture's only span id ("239") is not 16 hex digits,
    // which Pyroscope stores as "no span", so its labelled samples get two real span ids here.
    Profile fixture = PprofFacts.parse(SharedTestData.bytes("pprof/pkg-pprof/single_group_with_optional_span_id.pb.gz"));
    assertThat(spanIds(fixture, "span_id")).containsExactly("239");
    Profile withSpan = withSpanIds(fixture, "00000000000000ef", "a1b2c3d4e5f60718");
    String pushed = app();
    push(withSpan, "__name__", "process_cpu", "service_name", pushed);
    long[] range = range(withSpan);
    long expected = sum(withSpan, 1, "span_id", Set.of("a1b2c3d4e5f60718"));
    assertThat(expected).isPositive().isLessThan(sum(withSpan, 1, "span_id", Set.of("00000000000000ef", "a1b2c3d4e5f60718")));
    assertThat(spanTotal(pushed, List.of("a1b2c3d4e5f60718"), range)).isEqualTo(expected);
    assertThat(stacktracesTotal(pushed, List.of("a1b2c3d4e5f60718"), range)).isEqualTo(expected);
    assertThat(spanTotal(pushed, List.of("a1b2c3d4e5f60718", "00000000000000ef"), range))
        .isEqualTo(sum(withSpan, 1, "span_id", Set.of("00000000000000ef", "a1b2c3d4e5f60718")));

    // Legacy profile_id sample labels (as otel-profiling-go sets them), through /ingest: renamed to span_id.
    byte[] goLabels = SharedTestData.bytes("go/cpu.pb.gz");
    Profile legacy = PprofFacts.parse(goLabels);
    String ingested = app();
    assertThat(server.post("/ingest?name=" + ingested + "&format=pprof&spyName=gospy", goLabels).statusCode()).isEqualTo(200);
    List<String> some = List.copyOf(spanIds(legacy, "profile_id")).subList(0, 3);
    long legacyExpected = sum(legacy, 1, "profile_id", Set.copyOf(some));
    long[] legacyRange = range(legacy);
    assertThat(legacyExpected).isPositive();
    assertThat(spanTotal(ingested, some, legacyRange)).isEqualTo(legacyExpected);
    assertThat(stacktracesTotal(ingested, some, legacyRange)).isEqualTo(legacyExpected);
    // Without a span selector the whole profile is there.
    assertThat(PprofFacts.total(server.mergeProfile(CPU, sel(ingested), legacyRange[0], legacyRange[1]), 0))
        .isEqualTo(PprofFacts.total(legacy, 1));
  }

  @Test
  void invalidSpanSelectorsAreInvalidArguments() throws Exception {
    long now = System.currentTimeMillis();
    assertThatThrownBy(() -> server.querier().selectMergeSpanProfile(SelectMergeSpanProfileRequest.newBuilder()
        .setProfileTypeID(CPU).setLabelSelector("{}").addSpanSelector("not-a-span").setStart(now - 60_000).setEnd(now).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    String body = "{\"profileTypeID\":\"" + CPU + "\",\"labelSelector\":\"{}\",\"spanSelector\":[\"123\"],\"start\":\""
        + (now - 60_000) + "\",\"end\":\"" + now + "\"}";
    HttpResponse<byte[]> r = server.post("/querier.v1.QuerierService/SelectMergeSpanProfile",
        body.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("invalid_argument");
  }

  private static Profile replayNode(String name) throws Exception {
    JsonNode req = JSON.readTree(SharedTestData.bytes("captured/nodejs-0.6.4/" + name + ".request.json"));
    List<String> headers = new ArrayList<>();
    for (JsonNode h : req.path("headers")) {
      String k = h.get(0).asText();
      if (!Set.of("host", "connection", "content-length", "accept-encoding").contains(k.toLowerCase())) {
        headers.add(k);
        headers.add(h.get(1).asText());
      }
    }
    byte[] body = SharedTestData.bytes("captured/nodejs-0.6.4/" + name + ".body");
    HttpResponse<byte[]> r = server.post(req.path("path").asText() + "?" + req.path("raw_query").asText(), body,
        headers.toArray(new String[0]));
    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    return PprofFacts.parse(body);
  }

  private static long spanTotal(String app, List<String> spans, long[] range) {
    return server.querier().selectMergeSpanProfile(SelectMergeSpanProfileRequest.newBuilder().setProfileTypeID(CPU)
        .setLabelSelector(sel(app)).addAllSpanSelector(spans).setStart(range[0]).setEnd(range[1]).build())
        .getFlamegraph().getTotal();
  }

  private static long stacktracesTotal(String app, List<String> spans, long[] range) {
    return server.querier().selectMergeStacktraces(SelectMergeStacktracesRequest.newBuilder().setProfileTypeID(CPU)
        .setLabelSelector(sel(app)).addAllSpanSelector(spans).setStart(range[0]).setEnd(range[1]).build())
        .getFlamegraph().getTotal();
  }

  private static Set<String> spanIds(Profile p, String key) {
    Set<String> out = new LinkedHashSet<>();
    for (Sample s : p.getSampleList()) {
      String v = PprofFacts.label(p, s, key);
      if (v != null && !v.isEmpty()) {
        out.add(v);
      }
    }
    return out;
  }

  private static long sum(Profile p, int valueIndex, String key, Set<String> values) {
    long sum = 0;
    for (Sample s : p.getSampleList()) {
      String v = PprofFacts.label(p, s, key);
      if (v != null && values.contains(v)) {
        sum += s.getValue(valueIndex);
      }
    }
    return sum;
  }

  /** The samples labelled span_id get {@code a} and {@code b} in turn. */
  private static Profile withSpanIds(Profile p, String a, String b) {
    Profile.Builder out = p.toBuilder();
    long ka = out.getStringTableCount();
    out.addStringTable(a).addStringTable(b);
    int n = 0;
    for (Sample.Builder s : out.getSampleBuilderList()) {
      for (io.flarestack.api.google.v1.Label.Builder l : s.getLabelBuilderList()) {
        if (p.getStringTable((int) l.getKey()).equals("span_id")) {
          l.setStr(ka + (n++ % 2));
        }
      }
    }
    return out.build();
  }

  private static Profile tripled(Profile p) {
    Profile.Builder b = p.toBuilder();
    for (Sample.Builder s : b.getSampleBuilderList()) {
      for (int i = 0; i < s.getValueCount(); i++) {
        s.setValue(i, s.getValue(i) * 3);
      }
    }
    return b.build();
  }

  private static void push(Profile p, String... labels) {
    RawProfileSeries.Builder series = RawProfileSeries.newBuilder();
    for (int i = 0; i < labels.length; i += 2) {
      series.addLabels(LabelPair.newBuilder().setName(labels[i]).setValue(labels[i + 1]));
    }
    series.addSamples(RawSample.newBuilder().setRawProfile(ByteString.copyFrom(SharedTestData.gzip(p.toByteArray())))
        .setID(UUID.randomUUID().toString()));
    PusherServiceGrpc.newBlockingStub(server.grpc()).withDeadlineAfter(30, TimeUnit.SECONDS)
        .push(PushRequest.newBuilder().addSeries(series).build());
  }

  private static byte[] multipart(Map<String, byte[]> files) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    files.forEach((name, data) -> {
      out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + name
          + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      out.writeBytes(data);
      out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    });
    out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** The profile's time, an hour either side, in ms. */
  private static long[] range(Profile p) {
    long t = p.getTimeNanos() / 1_000_000;
    return new long[] {t - 3_600_000, t + 3_600_000};
  }

  private static String sel(String app) {
    return "{service_name=\"" + app + "\"}";
  }

  private static String app() {
    return "pprof-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
