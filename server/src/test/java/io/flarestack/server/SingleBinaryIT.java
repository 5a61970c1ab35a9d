package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.PusherServiceGrpc;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.api.push.v1.RawSample;
import io.flarestack.api.querier.v1.ProfileTypesRequest;
import io.flarestack.api.querier.v1.ProfileTypesResponse;
import io.flarestack.api.querier.v1.SelectMergeProfileRequest;
import io.flarestack.api.querier.v1.SelectMergeStacktracesRequest;
import io.flarestack.api.querier.v1.SelectMergeStacktracesResponse;
import io.flarestack.api.querier.v1.SelectSeriesRequest;
import io.flarestack.api.querier.v1.SelectSeriesResponse;
import io.flarestack.api.querier.v1.SeriesRequest;
import io.flarestack.api.querier.v1.SeriesResponse;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.api.types.v1.LabelValuesRequest;
import io.flarestack.api.types.v1.LabelValuesResponse;
import io.flarestack.api.types.v1.Labels;
import io.flarestack.api.types.v1.Point;
import io.flarestack.api.types.v1.Series;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData.PprofFile;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.server.testing.TestServer;
import io.grpc.StatusRuntimeException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The single binary end to end: every pprof of the shared testdata (every language there) is
 * pushed through Connect proto, Connect JSON, gRPC and {@code /ingest}; per profile type the
 * flame graph and series totals must equal the sum of the input's sample values, the merged pprof
 * must have the input's stacks, and label selectors must pick the right series. Expectations are
 * computed from the input files here, not by the server's code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SingleBinaryIT {
  enum Transport {
    CONNECT_PROTO("connect-proto"),
    CONNECT_JSON("connect-json"),
    GRPC("grpc"),
    INGEST("ingest");

    final String label;

    Transport(String label) {
      this.label = label;
    }
  }

  /** Files the contract rejects (testdata README): status on Push and on /ingest?format=pprof. */
  private static final Map<String, int[]> REJECTED = Map.of(
      "og-convert-pprof/invalid_utf8.pb.gz", new int[] {400, 422},
      "og-convert-pprof/dotnet-pprof-3.pb.gz", new int[] {400, 422},
      "og-convert-pprof/dotnet-pprof-73.pb.gz", new int[] {400, 422});

  private static final ObjectMapper JSON = new ObjectMapper();

  private TestServer server;
  private long now;
  private final List<PprofFile> inputs = SharedTestData.pprofFiles();
  private final Map<String, Map<Transport, Integer>> statuses = new LinkedHashMap<>();
  private final Map<String, Map<Transport, String>> bodies = new LinkedHashMap<>();

  @BeforeAll
  void pushEveryProfileThroughEveryTransport() throws Exception {
    // Pyroscope's default ingestion limit (4 MB/s, burst 2 MB) would throttle this burst of
    // ~120 pushes; an operator raises it the same way.
    server = TestServer.start("-distributor.ingestion-rate-limit-mb=1000", "-distributor.ingestion-burst-size-mb=1000");
    now = System.currentTimeMillis();
    assertThat(inputs).hasSizeGreaterThan(25);
    for (PprofFile in : inputs) {
      Map<Transport, Integer> codes = new EnumMap<>(Transport.class);
      Map<Transport, String> texts = new EnumMap<>(Transport.class);
      byte[] payload = in.profile() == null
          ? in.bytes()
          : SharedTestData.gzip(PprofFacts.withTime(in.profile(), (now - 60_000) * 1_000_000L).toByteArray());
      for (Transport t : Transport.values()) {
        Outcome o = push(in, t, payload);
        codes.put(t, o.status());
        texts.put(t, o.body());
      }
      statuses.put(in.name(), codes);
      bodies.put(in.name(), texts);
    }
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** A push's HTTP status (a gRPC status mapped through the one error table) and body. */
  record Outcome(int status, String body) {
    static Outcome of(HttpResponse<byte[]> r) {
      return new Outcome(r.statusCode(), TestServer.text(r));
    }
  }

  private Outcome push(PprofFile in, Transport t, byte[] payload) throws Exception {
    PushRequest request = PushRequest.newBuilder().addSeries(RawProfileSeries.newBuilder()
        .addLabels(label("__name__", metricName(in)))
        .addLabels(label("service_name", "e2e-" + in.id()))
        .addLabels(label("file", in.id()))
        .addLabels(label("via", t.label))
        .addLabels(label("__delta__", "false"))
        .addSamples(RawSample.newBuilder().setRawProfile(ByteString.copyFrom(payload)))).build();
    switch (t) {
      case CONNECT_PROTO -> {
        return Outcome.of(server.post("/push.v1.PusherService/Push", "application/proto", request.toByteArray()));
      }
      case CONNECT_JSON -> {
        return Outcome.of(server.post("/push.v1.PusherService/Push", "application/json",
            JsonFormat.printer().print(request).getBytes(StandardCharsets.UTF_8)));
      }
      case GRPC -> {
        try {
          PusherServiceGrpc.newBlockingStub(server.grpcChannel()).withDeadlineAfter(30, TimeUnit.SECONDS).push(request);
          return new Outcome(200, "");
        } catch (StatusRuntimeException e) {
          return new Outcome(ErrorCode.fromGrpc(e.getStatus().getCode()).httpStatus(), String.valueOf(e.getStatus().getDescription()));
        }
      }
      case INGEST -> {
        String name = "e2e-" + in.id() + "{file=" + in.id() + ",via=ingest}";
        return Outcome.of(server.post("/ingest?format=pprof&name=" + URLEncoder.encode(name, StandardCharsets.UTF_8)
            + "&from=" + (now / 1000 - 70) + "&until=" + (now / 1000 - 60), "application/octet-stream", payload));
      }
    }
    throw new AssertionError(t);
  }

  /** A name in the spirit of what SDKs send; the profile type id is derived from it. */
  private static String metricName(PprofFile in) {
    if (in.profile() == null) {
      return "process_cpu";
    }
    for (int i = 0; i < in.sampleTypeCount(); i++) {
      String t = in.sampleType(i);
      if (t.contains("alloc") || t.contains("inuse") || t.equals("space") || t.equals("objects")) {
        return "memory";
      }
      if (t.equals("wall")) {
        return "wall";
      }
      if (t.equals("contentions") || t.equals("delay")) {
        return "block";
      }
      if (t.startsWith("goroutine")) {
        return "goroutine";
      }
    }
    return "process_cpu";
  }

  @Test
  void everyTransportAcceptsTheValidProfilesAndRejectsTheInvalidOnesWithTheContractStatus() {
    for (PprofFile in : inputs) {
      Map<Transport, Integer> codes = statuses.get(in.name());
      int[] rejected = REJECTED.get(in.name());
      for (Transport t : Transport.values()) {
        int expected = rejected == null ? 200 : (t == Transport.INGEST ? rejected[1] : rejected[0]);
        assertThat(codes.get(t)).as(in.name() + " via " + t + ": " + bodies.get(in.name()).get(t)).isEqualTo(expected);
        if (rejected != null && t != Transport.GRPC) {
          assertThat(bodies.get(in.name()).get(t)).as(in.name() + " via " + t).contains("\"code\":").contains("\"message\":");
        }
      }
    }
  }

  @Test
  void flameGraphSeriesAndMergedProfileMatchTheInputPerProfileType() throws Exception {
    int checked = 0;
    for (PprofFile in : inputs) {
      if (REJECTED.containsKey(in.name())) {
        continue;
      }
      for (Transport t : Transport.values()) {
        String selector = "{service_name=\"e2e-" + in.id() + "\", via=\"" + t.label + "\"}";
        Map<String, String> typeIds = profileTypesBySampleType(selector);
        for (int i = 0; i < in.sampleTypeCount(); i++) {
          String key = in.sampleType(i) + ":" + in.sampleUnit(i);
          String what = in.name() + " via " + t + " type " + key;
          long expected = PprofFacts.total(in.profile(), i);
          if (expected == 0) {
            continue; // a type whose values are all zero stores nothing (req_5's inuse types)
          }
          assertThat(typeIds).as(what).containsKey(key);
          String typeId = typeIds.get(key);

          SelectMergeStacktracesResponse flame = server.connect("/querier.v1.QuerierService/SelectMergeStacktraces",
              SelectMergeStacktracesRequest.newBuilder().setProfileTypeID(typeId).setLabelSelector(selector)
                  .setStart(now - 3_600_000).setEnd(now + 60_000).setMaxNodes(1 << 20).build(),
              SelectMergeStacktracesResponse.parser());
          assertThat(flame.getFlamegraph().getTotal()).as(what + " flame graph total").isEqualTo(expected);
          assertThat(flame.getFlamegraph().getNames(0)).isEqualTo("total");

          SelectSeriesResponse series = server.connect("/querier.v1.QuerierService/SelectSeries",
              SelectSeriesRequest.newBuilder().setProfileTypeID(typeId).setLabelSelector(selector)
                  .setStart(now - 3_600_000).setEnd(now + 60_000).setStep(600).build(),
              SelectSeriesResponse.parser());
          assertThat(seriesSum(series.getSeriesList())).as(what + " series total").isEqualTo(expected);

          Profile merged = server.connect("/querier.v1.QuerierService/SelectMergeProfile",
              SelectMergeProfileRequest.newBuilder().setProfileTypeID(typeId).setLabelSelector(selector)
                  .setStart(now - 3_600_000).setEnd(now + 60_000).build(),
              Profile.parser());
          assertThat(merged.getSampleTypeCount()).as(what).isEqualTo(1);
          assertThat(merged.getStringTable(0)).isEmpty();
          assertThat(PprofFacts.collapsed(merged, 0)).as(what + " merged stacks")
              .isEqualTo(PprofFacts.collapsed(in.profile(), i));
          checked++;
        }
      }
    }
    assertThat(checked).as("profile types checked").isGreaterThan(150);
  }

  @Test
  void labelSelectorsPickTheRightSeries() throws Exception {
    PprofFile java = input("pkg-pprof/profile_java");
    long one = PprofFacts.total(java.profile(), 0);
    String type = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
    assertThat(flameTotal(type, "{file=\"pkg_pprof_profile_java\"}")).isEqualTo(4 * one);
    assertThat(flameTotal(type, "{file=\"pkg_pprof_profile_java\", via!=\"grpc\"}")).isEqualTo(3 * one);
    assertThat(flameTotal(type, "{file=\"pkg_pprof_profile_java\", via=~\"connect-.*\"}")).isEqualTo(2 * one);
    assertThat(flameTotal(type, "{file=\"pkg_pprof_profile_java\", via!~\"connect-.*|grpc\"}")).isEqualTo(one);
    assertThat(flameTotal(type, "{file=\"pkg_pprof_profile_java\", via=\"nowhere\"}")).isZero();

    LabelValuesResponse vias = server.connect("/querier.v1.QuerierService/LabelValues",
        LabelValuesRequest.newBuilder().setName("via").addMatchers("{file=\"pkg_pprof_profile_java\"}").build(),
        LabelValuesResponse.parser());
    assertThat(vias.getNamesList()).containsExactly("connect-json", "connect-proto", "grpc", "ingest");

    SeriesResponse series = server.connect("/querier.v1.QuerierService/Series",
        SeriesRequest.newBuilder().addMatchers("{file=\"pkg_pprof_profile_java\", via=~\"grpc|ingest\"}")
            .addLabelNames("via").addLabelNames("__profile_type__").build(),
        SeriesResponse.parser());
    List<String> sets = new ArrayList<>();
    for (Labels l : series.getLabelsSetList()) {
      sets.add(l.getLabels(0).getName() + "=" + l.getLabels(0).getValue() + "," + l.getLabels(1).getName() + "="
          + l.getLabels(1).getValue());
    }
    assertThat(sets).containsExactlyInAnyOrder("via=grpc,__profile_type__=" + type, "via=ingest,__profile_type__=" + type);
  }

  @Test
  void selectSeriesGroupsByLabel() throws Exception {
    PprofFile java = input("pkg-pprof/profile_java");
    long one = PprofFacts.total(java.profile(), 0);
    SelectSeriesResponse r = server.connect("/querier.v1.QuerierService/SelectSeries",
        SelectSeriesRequest.newBuilder().setProfileTypeID("process_cpu:cpu:nanoseconds:cpu:nanoseconds")
            .setLabelSelector("{file=\"pkg_pprof_profile_java\"}").addGroupBy("via")
            .setStart(now - 3_600_000).setEnd(now + 60_000).setStep(15).build(),
        SelectSeriesResponse.parser());
    assertThat(r.getSeriesList()).hasSize(4);
    for (Series s : r.getSeriesList()) {
      assertThat(s.getLabelsList()).singleElement().extracting(LabelPair::getName).isEqualTo("via");
      assertThat(seriesSum(List.of(s))).isEqualTo(one);
      assertThat(s.getPointsList()).singleElement()
          .satisfies(p -> assertThat(p.getTimestamp()).isBetween(now - 3_600_000, now + 60_000));
    }
  }

  @Test
  void selectSeriesAveragesPerProfileWhenAsked() throws Exception {
    PprofFile java = input("pkg-pprof/profile_java");
    long one = PprofFacts.total(java.profile(), 0);
    SelectSeriesResponse r = server.connect("/querier.v1.QuerierService/SelectSeries",
        SelectSeriesRequest.newBuilder().setProfileTypeID("process_cpu:cpu:nanoseconds:cpu:nanoseconds")
            .setLabelSelector("{file=\"pkg_pprof_profile_java\"}")
            .setAggregation(io.flarestack.api.types.v1.TimeSeriesAggregationType.TIME_SERIES_AGGREGATION_TYPE_AVERAGE)
            .setStart(now - 3_600_000).setEnd(now + 60_000).setStep(3600).build(),
        SelectSeriesResponse.parser());
    // Four profiles of the same total (one per transport) fall in one step: their average is one profile's.
    assertThat(r.getSeriesList()).singleElement().satisfies(s -> {
      assertThat(s.getLabelsList()).isEmpty();
      assertThat(s.getPointsList()).singleElement().extracting(Point::getValue).isEqualTo((double) one);
    });
  }

  @Test
  void theMergedProfileIsReadByGoToolPprof(@TempDir Path dir) throws Exception {
    PprofFile java = input("pkg-pprof/profile_java");
    Profile merged = server.connect("/querier.v1.QuerierService/SelectMergeProfile",
        SelectMergeProfileRequest.newBuilder().setProfileTypeID("process_cpu:cpu:nanoseconds:cpu:nanoseconds")
            .setLabelSelector("{file=\"pkg_pprof_profile_java\", via=\"grpc\"}")
            .setStart(now - 3_600_000).setEnd(now + 60_000).build(),
        Profile.parser());
    Path file = dir.resolve("merged.pb.gz");
    Files.write(file, SharedTestData.gzip(merged.toByteArray()));
    Process go = new ProcessBuilder("go", "tool", "pprof", "-top", "-nodecount=1", "-unit=ns", file.toString())
        .redirectErrorStream(true).start();
    String out = new String(go.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(go.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(go.exitValue()).as(out).isZero();
    // The testdata README: profile_java's top flat function and its total.
    assertThat(out).contains("java/io/UnixFileSystem.getNameMax0");
    assertThat(out).contains(PprofFacts.total(java.profile(), 0) + "ns total");
  }

  @Test
  void grafanaHealthCheckOverBinaryConnectAnswersOk() throws Exception {
    ProfileTypesResponse r = server.connect("/querier.v1.QuerierService/ProfileTypes",
        ProfileTypesRequest.newBuilder().setStart(1000).setEnd(4000).build(), ProfileTypesResponse.parser());
    assertThat(r.getProfileTypesList()).isEmpty();
    ProfileTypesResponse recent = server.connect("/querier.v1.QuerierService/ProfileTypes",
        ProfileTypesRequest.newBuilder().setStart(now - 3_600_000).setEnd(now + 60_000).build(),
        ProfileTypesResponse.parser());
    assertThat(recent.getProfileTypesList()).extracting(io.flarestack.api.types.v1.ProfileType::getID)
        .contains("process_cpu:cpu:nanoseconds:cpu:nanoseconds", "memory:inuse_space:bytes:space:bytes")
        .isSortedAccordingTo(String::compareTo);
  }

  @Test
  void legacyRenderAnswersFlamebearerJsonWithTimeline() throws Exception {
    PprofFile java = input("pkg-pprof/profile_java");
    String query = URLEncoder.encode("process_cpu:cpu:nanoseconds:cpu:nanoseconds{file=\"pkg_pprof_profile_java\",via=\"grpc\"}",
        StandardCharsets.UTF_8);
    HttpResponse<byte[]> r = server.get("/pyroscope/render?query=" + query + "&from=now-1h&until=now%2B1m");
    assertThat(r.statusCode()).as(TestServer.text(r)).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.path("flamebearer").path("numTicks").asLong()).isEqualTo(PprofFacts.total(java.profile(), 0));
    assertThat(body.path("flamebearer").path("names").get(0).asText()).isEqualTo("total");
    long timelineSum = 0;
    for (JsonNode v : body.path("timeline").path("samples")) {
      timelineSum += v.asLong();
    }
    assertThat(timelineSum).isEqualTo(PprofFacts.total(java.profile(), 0));

    HttpResponse<byte[]> names = server.get("/pyroscope/label-values?label=__name__");
    assertThat(JSON.readTree(names.body()).toString()).contains("process_cpu:cpu:nanoseconds:cpu:nanoseconds");
  }

  @Test
  void opsEndpointsAnswerAndMetricsPassPromtool() throws Exception {
    assertThat(TestServer.text(server.get("/ready"))).isEqualTo("ready\n");
    HttpResponse<byte[]> metrics = server.get("/metrics");
    String text = TestServer.text(metrics);
    assertThat(text)
        .contains("pyroscope_request_duration_seconds_bucket{")
        .contains("route=\"push_v1_pusherservice_push\"")
        .contains("route=\"ingest\"")
        .contains("pyroscope_distributor_received_compressed_bytes_bucket{")
        .contains("pyroscope_distributor_received_samples_count{")
        .contains("pyroscope_discarded_samples_total{")
        .contains("pyroscope_head_profiles{")
        .contains("pyroscope_ring_members{")
        .contains("pyroscope_build_info{");
    long families = text.lines().filter(l -> l.startsWith("# TYPE ")).count();
    List<String> helps = text.lines().filter(l -> l.startsWith("# HELP ")).toList();
    assertThat(helps).hasSize((int) families);
    for (String help : helps) {
      assertThat(help.split(" ", 4)).as("HELP text of %s", help).hasSize(4);
      assertThat(help.split(" ", 4)[3]).as(help).isNotBlank();
    }
    Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    promtool.getOutputStream().write(metrics.body());
    promtool.getOutputStream().close();
    String out = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(promtool.exitValue()).as(out).isZero();
    assertThat(out).isBlank();

    String config = TestServer.text(server.get("/api/v1/status/config"));
    assertThat(config).contains("http_listen_port: 0").contains("max_label_names_per_series: 30");
    assertThat(TestServer.text(server.get("/config"))).isEqualTo(config);
    JsonNode build = JSON.readTree(server.get("/api/v1/status/buildinfo").body());
    assertThat(build.path("status").asText()).isEqualTo("success");
    assertThat(build.path("data").path("version").asText()).isNotEmpty();
  }

  private Map<String, String> profileTypesBySampleType(String selector) throws Exception {
    SeriesResponse r = server.connect("/querier.v1.QuerierService/Series",
        SeriesRequest.newBuilder().addMatchers(selector).addLabelNames("__profile_type__")
            .setStart(now - 3_600_000).setEnd(now + 60_000).build(),
        SeriesResponse.parser());
    Map<String, String> out = new LinkedHashMap<>();
    TreeSet<String> ids = new TreeSet<>();
    for (Labels l : r.getLabelsSetList()) {
      ids.add(l.getLabels(0).getValue());
    }
    for (String id : ids) {
      String[] parts = id.split(":", -1);
      out.put(parts[1] + ":" + parts[2], id);
    }
    return out;
  }

  private long flameTotal(String type, String selector) throws Exception {
    return server.connect("/querier.v1.QuerierService/SelectMergeStacktraces",
        SelectMergeStacktracesRequest.newBuilder().setProfileTypeID(type).setLabelSelector(selector)
            .setStart(now - 3_600_000).setEnd(now + 60_000).build(),
        SelectMergeStacktracesResponse.parser()).getFlamegraph().getTotal();
  }

  private static long seriesSum(List<Series> series) {
    double sum = 0;
    for (Series s : series) {
      for (Point p : s.getPointsList()) {
        sum += p.getValue();
      }
    }
    return Math.round(sum);
  }

  private PprofFile input(String name) {
    return inputs.stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
  }

  private static LabelPair label(String name, String value) {
    return LabelPair.newBuilder().setName(name).setValue(value).build();
  }
}
