package io.flarestack.distributor.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.ingester.v1.ProfileSeries;
import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.limits.Limits;
import io.flarestack.common.limits.TenantLimits;
import io.flarestack.common.testing.ManualClock;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.distributor.Distributor;
import io.flarestack.distributor.DistributorConfig;
import io.flarestack.distributor.ingest.jfr.JfrConfig;
import io.flarestack.distributor.ingest.jfr.JfrIngest;
import io.flarestack.distributor.testing.HttpRequests;
import io.flarestack.distributor.testing.RecordingWriter;
import io.flarestack.distributor.testing.TestScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IngestHandlerTest {
  private static final String O = "pprof/og-convert-pprof/";
  private static final String GO_CPU = "go/cpu-short.pb.gz";
  private static final String BOUNDARY = "b0undary-42";
  private static final String MULTIPART = "multipart/form-data; boundary=" + BOUNDARY;

  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-24T01:00:00Z"));
  private final RecordingWriter writer = new RecordingWriter();
  private Distributor distributor;
  private IngestHandler handler;

  private void start(boolean multitenancy, Limits limits) throws Exception {
    TenantLimits tenantLimits = TenantLimits.fixed(limits);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    distributor = new Distributor(DistributorConfig.defaults(), tenantLimits, writer, clock, TestScheduler.INSTANCE, registry);
    distributor.start();
    handler = new IngestHandler(distributor, multitenancy, clock, tenantLimits,
        new JfrIngest(distributor, JfrConfig.defaults(), registry));
  }

  private void start() throws Exception {
    start(false, Limits.defaults());
  }

  @AfterEach
  void stop() {
    if (distributor != null) {
      distributor.stop();
    }
  }

  private HttpResponse post(String query, byte[] body, String... headers) {
    return handler.handle(HttpRequests.post("/ingest", query, body, headers));
  }

  private static String body(HttpResponse r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private static Map<String, Long> foldedFile(String text, long scale) {
    Map<String, Long> out = new TreeMap<>();
    for (String line : text.split("\n")) {
      int sp = line.lastIndexOf(' ');
      if (sp > 0) {
        out.merge(line.substring(0, sp), Long.parseLong(line.substring(sp + 1).strip()) * scale, Long::sum);
      }
    }
    return out;
  }

  private ProfileSeries onlySeries() {
    List<ProfileSeries> series = writer.series();
    assertThat(series).hasSize(1);
    return series.get(0);
  }

  @Test
  void foldedKafkaCpuBecomesNanosecondsOfProcessCpu() throws Exception {
    start();
    String text = SharedTestData.text("folded/cortex-dev-01__kafka-0__cpu__0.cpu.folded");
    Map<String, Long> expected = foldedFile(text, 10_000_000L);
    assertThat(expected).hasSize(316);
    assertThat(expected.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(4_780_000_000L);

    HttpResponse r = post("name=kafka.app.cpu&sampleRate=100", text.getBytes(StandardCharsets.UTF_8));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
    ProfileSeries s = onlySeries();
    assertThat(RecordingWriter.labels(s)).containsExactlyEntriesOf(new TreeMap<>(Map.of("__delta__", "false",
        "__name__", "process_cpu", "pyroscope_spy", "unknown", "service_name", "kafka.app")));
    Profile p = s.getProfiles(0).getProfile();
    assertThat(PprofFacts.profileTypes("process_cpu", p)).containsExactly("process_cpu:cpu:nanoseconds:cpu:nanoseconds");
    assertThat(p.getPeriod()).isEqualTo(10_000_000L);
    assertThat(p.getSampleCount()).isEqualTo(316);
    assertThat(p.getMappingCount()).isEqualTo(1);
    assertThat(PprofFacts.totals(p)).containsExactly(Map.entry("cpu", 4_780_000_000L));
    assertThat(PprofFacts.collapsed(p, 0)).isEqualTo(expected);
  }

  @Test
  void appendixAFoldedExample() throws Exception {
    clock.set(Instant.ofEpochSecond(1_700_000_030));
    start();
    HttpResponse r = post(
        "name=checkout.cpu%7Benv%3Dprod%7D&from=1700000000&until=1700000010&sampleRate=100&spyName=custom",
        "main;handler;encode 30\nmain;gc 10\n".getBytes(StandardCharsets.UTF_8), "Content-Type", "text/plain");

    assertThat(r.status()).isEqualTo(200);
    ProfileSeries s = onlySeries();
    assertThat(RecordingWriter.labels(s)).containsExactlyEntriesOf(new TreeMap<>(Map.of("__delta__", "false",
        "__name__", "process_cpu", "env", "prod", "pyroscope_spy", "custom", "service_name", "checkout")));
    Profile p = s.getProfiles(0).getProfile();
    assertThat(PprofFacts.profileTypes("process_cpu", p)).containsExactly("process_cpu:cpu:nanoseconds:cpu:nanoseconds");
    assertThat(PprofFacts.collapsed(p, 0)).containsExactlyInAnyOrderEntriesOf(
        Map.of("main;handler;encode", 300_000_000L, "main;gc", 100_000_000L));
    assertThat(p.getTimeNanos()).isEqualTo(1_700_000_000_000_000_000L);
    assertThat(p.getDurationNanos()).isEqualTo(10_000_000_000L);
  }

  @Test
  void legacyLabelValuesKeepTheirQuotesServiceNameMovesToAppNameAndSessionIdsGo() throws Exception {
    start();
    HttpResponse r = post("name=" + enc("my-app.wall{env=\"prod\",service_name=real,__session_id__=abc,__hidden=1}")
        + "&sampleRate=0", "a;b 3\n".getBytes(StandardCharsets.UTF_8));

    assertThat(r.status()).isEqualTo(200);
    ProfileSeries s = onlySeries();
    assertThat(RecordingWriter.labels(s)).containsExactlyEntriesOf(new TreeMap<>(Map.of("__delta__", "false",
        "__name__", "wall", "app_name", "my-app", "env", "\"prod\"", "pyroscope_spy", "unknown",
        "service_name", "real")));
    Profile p = s.getProfiles(0).getProfile();
    assertThat(PprofFacts.profileTypes("wall", p)).containsExactly("wall:samples:count::");
    assertThat(PprofFacts.collapsed(p, 0)).containsExactly(Map.entry("a;b", 3L));
  }

  @Test
  void capturedJavaAgent0115CollapsedUpload() throws Exception {
    JsonNode req = json("captured/java-agent-0.11.5/collapsed-itimer.request.json");
    byte[] body = SharedTestData.bytes("captured/java-agent-0.11.5/collapsed-itimer.body");
    clock.set(Instant.ofEpochSecond(1_795_480_490));
    start();
    Map<String, Long> expected = foldedFile(new String(body, StandardCharsets.UTF_8), 10_000_000L);
    assertThat(expected.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(4_330_000_000L);

    HttpResponse r = post(req.get("raw_query").asText(), body); // no format, no Content-Type

    assertThat(r.status()).isEqualTo(200);
    ProfileSeries s = onlySeries();
    assertThat(RecordingWriter.labels(s)).containsExactlyEntriesOf(new TreeMap<>(Map.of("__delta__", "false",
        "__name__", "process_cpu", "pyroscope_spy", "javaspy", "service_name", "ver.app")));
    Profile p = s.getProfiles(0).getProfile();
    assertThat(PprofFacts.profileTypes("process_cpu", p)).containsExactly("process_cpu:cpu:nanoseconds:cpu:nanoseconds");
    assertThat(PprofFacts.collapsed(p, 0)).isEqualTo(expected);
    assertThat(p.getTimeNanos()).isEqualTo(1_795_480_480_000_000_000L);
    assertThat(p.getDurationNanos()).isEqualTo(5_000_000_000L);
  }

  @Test
  void capturedNodejsRawGzippedPprofUploads() throws Exception {
    clock.set(Instant.ofEpochSecond(1_795_480_110));
    start(true, Limits.defaults());
    for (String name : List.of("wall-cpu-pprof", "heap-pprof")) {
      writer.writes().clear();
      JsonNode req = json("captured/nodejs-0.6.4/" + name + ".request.json");
      byte[] body = SharedTestData.bytes("captured/nodejs-0.6.4/" + name + ".body");
      Profile input = PprofFacts.parse(body);

      HttpResponse r = post(req.get("raw_query").asText(), body, "Content-Type", "application/octet-stream",
          "X-Scope-OrgID", "tenant-n");

      assertThat(r.status()).as(body(r)).isEqualTo(200);
      String metric = name.startsWith("wall") ? "wall" : "memory";
      Map<String, Long> totals = new LinkedHashMap<>();
      Set<String> types = new HashSet<>();
      for (ProfileSeries s : writer.series()) {
        assertThat(RecordingWriter.labels(s)).containsEntry("__name__", metric)
            .containsEntry("service_name", "node.app").containsEntry("pyroscope_spy", "nodespy")
            .containsEntry("__delta__", "false").containsEntry("region", "local").containsEntry("env", "test")
            .containsEntry("otel.scope.name", "com.grafana.pyroscope/nodejs")
            .containsEntry("process.runtime.version", "20.20.2");
        Profile p = s.getProfiles(0).getProfile();
        types.addAll(PprofFacts.profileTypes(metric, p));
        PprofFacts.totals(p).forEach((k, v) -> totals.merge(k, v, Long::sum));
      }
      assertThat(writer.writes()).allSatisfy(w -> assertThat(w.tenant()).isEqualTo("tenant-n"));
      // the client's sampleRate=17 is wrong and must not change anything: values are the input's
      assertThat(totals).isEqualTo(PprofFacts.totals(input));
      assertThat(types).containsExactlyInAnyOrderElementsOf(PprofFacts.profileTypes(metric, input));
    }
    // the wall profile carries the vehicle sample label: one series per vehicle and one without
    Set<String> vehicles = new HashSet<>();
    writer.writes().clear();
    post(json("captured/nodejs-0.6.4/wall-cpu-pprof.request.json").get("raw_query").asText(),
        SharedTestData.bytes("captured/nodejs-0.6.4/wall-cpu-pprof.body"), "X-Scope-OrgID", "tenant-n");
    for (ProfileSeries s : writer.series()) {
      vehicles.add(RecordingWriter.labels(s).getOrDefault("vehicle", ""));
    }
    assertThat(vehicles).contains("car", "bike");
  }

  @Test
  void multipartPprofFromTheGoSdk() throws Exception {
    byte[] cpu = SharedTestData.bytes(GO_CPU);
    clock.set(Instant.ofEpochSecond(PprofFacts.parse(cpu).getTimeNanos() / 1_000_000_000L + 10));
    start();
    byte[] body = HttpRequests.multipart(BOUNDARY, new Object[] {"profile", "profile.pprof", cpu});

    HttpResponse r = post("name=" + enc("app{env=staging}") + "&spyName=gospy&from=1619321948&until=1619321958",
        body, "Content-Type", MULTIPART);

    assertThat(r.status()).as(body(r)).isEqualTo(200);
    ProfileSeries s = onlySeries();
    assertThat(RecordingWriter.labels(s)).containsExactlyEntriesOf(new TreeMap<>(Map.of("__delta__", "false",
        "__name__", "process_cpu", "env", "staging", "pyroscope_spy", "gospy", "service_name", "app")));
    Profile p = s.getProfiles(0).getProfile();
    assertThat(PprofFacts.profileTypes("process_cpu", p)).containsExactly("process_cpu:samples:count:cpu:nanoseconds",
        "process_cpu:cpu:nanoseconds:cpu:nanoseconds");
    assertThat(PprofFacts.totals(p)).isEqualTo(PprofFacts.totals(PprofFacts.parse(cpu)));
  }

  @Test
  void sampleTypeConfigDecidesTheProfileName() throws Exception {
    byte[] req3 = SharedTestData.bytes(O + "req_3.pprof");
    clock.set(Instant.ofEpochSecond(PprofFacts.parse(req3).getTimeNanos() / 1_000_000_000L + 10));
    start();
    byte[] withConfig = HttpRequests.multipart(BOUNDARY, new Object[] {"profile", "profile.pprof", req3},
        new Object[] {"sample_type_config", "sample_type_config.json", SharedTestData.bytes(O + "req_3.st.json")});
    byte[] withoutConfig = HttpRequests.multipart(BOUNDARY, new Object[] {"profile", "profile.pprof", req3});

    assertThat(post("name=app", withConfig, "Content-Type", MULTIPART).status()).isEqualTo(200);
    assertThat(post("name=app", withoutConfig, "Content-Type", MULTIPART).status()).isEqualTo(200);

    List<ProfileSeries> series = writer.series();
    assertThat(series).hasSize(2);
    assertThat(RecordingWriter.labels(series.get(0))).containsEntry("__name__", "block");
    assertThat(PprofFacts.profileTypes("block", series.get(0).getProfiles(0).getProfile()))
        .containsExactly("block:contentions:count:contentions:count", "block:delay:nanoseconds:contentions:count");
    // without a config, Pyroscope's defaults read "contentions" as mutex_count
    assertThat(RecordingWriter.labels(series.get(1))).containsEntry("__name__", "mutex");
  }

  @Test
  void goroutineConfigAndDotnetRepairs() throws Exception {
    start();
    byte[] req2 = HttpRequests.multipart(BOUNDARY, new Object[] {"profile", "p", SharedTestData.bytes(O + "req_2.pprof")},
        new Object[] {"sample_type_config", "c", SharedTestData.bytes(O + "req_2.st.json")});
    assertThat(post("name=app&from=now", req2, "Content-Type", MULTIPART).status()).isEqualTo(422);
    // req_2 is from 2023, outside the ingestion window: 422 on the pprof path. With the clock there it passes.
    clock.set(Instant.ofEpochSecond(PprofFacts.parse(SharedTestData.bytes(O + "req_2.pprof")).getTimeNanos() / 1_000_000_000L));
    assertThat(post("name=app", req2, "Content-Type", MULTIPART).status()).isEqualTo(200);
    assertThat(RecordingWriter.labels(writer.series().get(0))).containsEntry("__name__", "goroutines");
    assertThat(PprofFacts.profileTypes("goroutines", writer.profiles().get(0)))
        .containsExactly("goroutines:goroutine:count:goroutine:count");

    // dotnet-pprof-3 has only function ids 0 and '-' in sample types: Push refuses it, /ingest repairs it
    writer.writes().clear();
    byte[] dotnet = HttpRequests.multipart(BOUNDARY,
        new Object[] {"profile", "p", SharedTestData.bytes(O + "dotnet-pprof-3.pb.gz")},
        new Object[] {"sample_type_config", "c", SharedTestData.bytes(O + "dotnet-pprof-3.st.json")});
    HttpResponse r = post("name=dotnet.app&spyName=dotnetspy", dotnet, "Content-Type", MULTIPART);
    assertThat(r.status()).as(body(r)).isEqualTo(200);
    Set<String> types = new HashSet<>();
    for (Profile p : writer.profiles()) {
      types.addAll(PprofFacts.profileTypes("process_cpu", p));
    }
    assertThat(types).contains("process_cpu:cpu:nanoseconds::nanoseconds", "process_cpu:alloc_samples:count::nanoseconds",
        "process_cpu:alloc_size:bytes::nanoseconds");
  }

  @Test
  void pyspyTimesFrom1970AreReplacedAndFunctionNamesRewritten() throws Exception {
    start();
    long from = clock.nanos() / 1_000_000_000L - 10;
    HttpResponse r = post("name=py.app&format=pprof&spyName=pyspy&from=" + from,
        SharedTestData.bytes(O + "pyspy-1.pb.gz"), "Content-Type", "binary/octet-stream");

    assertThat(r.status()).as(body(r)).isEqualTo(200);
    long total = 0;
    for (Profile p : writer.profiles()) {
      assertThat(p.getTimeNanos()).isEqualTo(from * 1_000_000_000L);
      assertThat(PprofFacts.profileTypes("process_cpu", p)).containsExactly("process_cpu:samples:count::milliseconds");
      assertThat(PprofFacts.collapsed(p, 0).keySet()).allSatisfy(stack -> assertThat(stack.split(";"))
          .allSatisfy(frame -> assertThat(frame).contains(":-1 - ")));
      total += PprofFacts.totals(p).get("samples");
    }
    assertThat(total).isEqualTo(781L);
  }

  @Test
  void prevProfileIsAnUnsupportedClient() throws Exception {
    start();
    byte[] cpu = SharedTestData.bytes(GO_CPU);
    byte[] body = HttpRequests.multipart(BOUNDARY, new Object[] {"profile", "profile.pprof", cpu},
        new Object[] {"prev_profile", "profile.pprof", cpu});

    HttpResponse r = post("name=app", body, "Content-Type", MULTIPART);

    assertThat(r.status()).isEqualTo(422);
    assertThat(body(r)).contains("unsupported client version");
    assertThat(writer.writes()).isEmpty();
  }

  @Test
  void invalidUtf8IsUnprocessableOnIngest() throws Exception {
    start();
    byte[] body = HttpRequests.multipart(BOUNDARY,
        new Object[] {"profile", "profile.pprof", SharedTestData.bytes(O + "invalid_utf8.pb.gz")});

    HttpResponse r = post("name=app", body, "Content-Type", MULTIPART);

    assertThat(r.status()).isEqualTo(422);
    assertThat(body(r)).contains("\"code\":\"invalid_argument\"").contains("not valid UTF-8");
    assertThat(r.headers()).containsEntry("X-Content-Type-Options", "nosniff");
  }

  @Test
  void multipartWithoutAProfileFilePart() throws Exception {
    start();
    byte[] body = HttpRequests.multipart(BOUNDARY, new Object[] {"profile", null, "not a file".getBytes()},
        new Object[] {"sample_type_config", "c.json", "{}".getBytes()});

    HttpResponse r = post("name=app", body, "Content-Type", MULTIPART);

    assertThat(r.status()).isEqualTo(422);
    assertThat(body(r)).contains("no file part named \\\"profile\\\"").contains("profile (not a file)");
  }

  @Test
  void formatPprofWithAMultipartContentTypeUnpacksTheForm() throws Exception {
    byte[] cpu = SharedTestData.bytes(O + "cpu.pb.gz");
    clock.set(Instant.ofEpochSecond(PprofFacts.parse(cpu).getTimeNanos() / 1_000_000_000L + 10));
    start();
    byte[] body = HttpRequests.multipart(BOUNDARY, new Object[] {"profile", "p", cpu});

    HttpResponse r = post("name=app&format=pprof", body, "Content-Type", MULTIPART);

    assertThat(r.status()).as(body(r)).isEqualTo(200);
    assertThat(PprofFacts.totals(onlySeries().getProfiles(0).getProfile()))
        .isEqualTo(PprofFacts.totals(PprofFacts.parse(cpu)));
  }

  @Test
  void aMultipartContentTypeWithARawBodyIsRefused() throws Exception {
    start();
    byte[] raw = SharedTestData.bytes(O + "cpu.pb.gz");
    for (String query : List.of("name=app&format=pprof", "name=app", "name=app&format=jfr")) {
      HttpResponse r = post(query, raw, "Content-Type", MULTIPART);
      // 422 like every multipart conversion failure on the pprof and JFR paths (Pyroscope)
      assertThat(r.status()).as(query).isEqualTo(422);
      assertThat(body(r)).as(query).contains("invalid multipart body: the body does not contain the boundary " + BOUNDARY);
    }
    assertThat(writer.writes()).isEmpty();
  }

  @Test
  void corruptJfrIs422MalformedBinaryAndSpeedscopeBodiesAre400AndUnknownFormatsAre400() throws Exception {
    start();
    HttpResponse jfr = post("name=app&format=jfr", new byte[] {1});
    assertThat(jfr.status()).isEqualTo(422);
    for (String f : List.of("trie", "tree")) {
      HttpResponse r = post("name=app&format=" + f, new byte[] {1});
      assertThat(r.status()).isEqualTo(400);
      assertThat(body(r)).contains("malformed " + f + " body");
    }
    HttpResponse trie = post("name=app", new byte[] {(byte) 0x85}, "Content-Type", "binary/octet-stream+trie");
    assertThat(trie.status()).isEqualTo(400);
    assertThat(body(trie)).contains("malformed trie body");
    HttpResponse speedscope = post("name=app&format=speedscope", new byte[] {1});
    assertThat(speedscope.status()).isEqualTo(400);
    assertThat(body(speedscope)).contains("not valid JSON");

    HttpResponse unknown = post("name=app&format=xml", new byte[] {1});
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(body(unknown)).contains("\"code\":\"invalid_argument\"").contains("unknown format \\\"xml\\\"")
        .contains("pprof, jfr, lines, folded");
    assertThat(writer.writes()).isEmpty();
  }

  @Test
  void unknownProfileTypeSuffixIsABadRequest() throws Exception {
    start();
    HttpResponse r = post("name=burn.app", "a;b 1\n".getBytes(StandardCharsets.UTF_8));

    assertThat(r.status()).isEqualTo(400);
    assertThat(body(r)).contains("unknown profile type: app");
  }

  @Test
  void badNamesAreBadRequests() throws Exception {
    start();
    HttpResponse empty = post("name=", "a 1\n".getBytes(StandardCharsets.UTF_8));
    assertThat(empty.status()).isEqualTo(400);
    assertThat(body(empty)).startsWith("{\"code\":\"invalid_argument\",\"message\":\"name: ");
    assertThat(post("", "a 1\n".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(400);
    HttpResponse badChar = post("name=" + enc("my app.cpu"), "a 1\n".getBytes(StandardCharsets.UTF_8));
    assertThat(body(badChar)).contains("name: invalid service name: my app.cpu: character is not allowed: ' '");
    assertThat(post("name=" + enc("app.cpu{bad-key=1}"), new byte[0]).status()).isEqualTo(400);
  }

  @Test
  void nonIntegerFoldedCountIsABadRequest() throws Exception {
    start();
    HttpResponse r = post("name=app.cpu", "a;b 1\na;c x1\n".getBytes(StandardCharsets.UTF_8));

    assertThat(r.status()).isEqualTo(400);
    assertThat(body(r)).contains("line 2: the count \\\"x1\\\" is not an integer");
    assertThat(writer.writes()).isEmpty();
  }

  @Test
  void aFoldedLineWithoutACountIsRefusedNamingItsNumber() throws Exception {
    start();
    HttpResponse r = post("name=app.cpu", "a;b 2\n\nmain;work\n".getBytes(StandardCharsets.UTF_8));
    assertThat(r.status()).isEqualTo(400);
    assertThat(body(r)).contains("line 3: \\\"main;work\\\" has no count");
    assertThat(writer.writes()).isEmpty();
  }

  @Test
  void emptyLinesAreSkippedInFoldedText() throws Exception {
    start();
    assertThat(post("name=app.alloc_objects", "\na;b 2\r\n\r\n\nc 5\n".getBytes(StandardCharsets.UTF_8)).status())
        .isEqualTo(200);
    Profile p = writer.profiles().get(0);
    assertThat(PprofFacts.profileTypes("memory", p)).containsExactly("memory:alloc_objects:count::");
    assertThat(PprofFacts.collapsed(p, 0)).containsExactlyInAnyOrderEntriesOf(Map.of("a;b", 2L, "c", 5L));
  }

  @Test
  void linesFormatCountsEachLineOnce() throws Exception {
    start();
    assertThat(post("name=app.cpu&format=lines&sampleRate=0", "a;b\na;b\nc\n".getBytes(StandardCharsets.UTF_8)).status())
        .isEqualTo(200);
    Profile p = writer.profiles().get(0);
    assertThat(PprofFacts.profileTypes("process_cpu", p)).containsExactly("process_cpu:samples:count::");
    assertThat(PprofFacts.collapsed(p, 0)).containsExactlyInAnyOrderEntriesOf(Map.of("a;b", 2L, "c", 1L));
  }

  @Test
  void sampleRateScalesCpuCounts() throws Exception {
    start();
    assertThat(post("name=app.itimer&sampleRate=250", "a 3\n".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
    Profile p = writer.profiles().get(0);
    assertThat(p.getPeriod()).isEqualTo(4_000_000L);
    assertThat(PprofFacts.collapsed(p, 0)).containsExactly(Map.entry("a", 12_000_000L));
  }

  @Test
  void profileIdInTheNameIsAcceptedAndDropped() throws Exception {
    start();
    HttpResponse r = post("name=" + enc("app.cpu{profile_id=abc}"), "a 1\n".getBytes(StandardCharsets.UTF_8));

    assertThat(r.status()).isEqualTo(200);
    assertThat(writer.writes()).isEmpty();
  }

  @Test
  void missingTenantIs401() throws Exception {
    start(true, Limits.defaults());
    HttpResponse r = post("name=app.cpu", "a 1\n".getBytes(StandardCharsets.UTF_8));

    assertThat(r.status()).isEqualTo(401);
    assertThat(body(r)).isEqualTo("{\"code\":\"unauthenticated\",\"message\":\"no org id\"}");
  }

  @Test
  void bodyOverTheLimitIs413() throws Exception {
    Limits d = Limits.defaults();
    start(false, new Limits(d.ingestionRateMb(), d.ingestionBurstSizeMb(), 100, d.maxLabelNameLength(),
        d.maxLabelValueLength(), d.maxLabelNamesPerSeries(), d.maxProfileSizeBytes(), d.maxProfileStacktraceSamples(),
        d.maxProfileStacktraceSampleLabels(), d.maxProfileStacktraceDepth(), d.maxProfileSymbolValueLength(),
        d.rejectOlderThan(), d.rejectNewerThan(), d.maxQueryLookback(), d.maxQueryLength(), d.maxFlameGraphNodesDefault(),
        d.maxFlameGraphNodesMax()));
    HttpResponse r = post("name=app.cpu", new byte[101]);

    assertThat(r.status()).isEqualTo(413);
    assertThat(body(r)).contains("101 bytes, the limit is 100");
  }

  @Test
  void rateLimitIs429() throws Exception {
    Limits d = Limits.defaults();
    start(false, new Limits(0.0001, 0.0001, d.ingestionBodyLimitBytes(), d.maxLabelNameLength(),
        d.maxLabelValueLength(), d.maxLabelNamesPerSeries(), d.maxProfileSizeBytes(), d.maxProfileStacktraceSamples(),
        d.maxProfileStacktraceSampleLabels(), d.maxProfileStacktraceDepth(), d.maxProfileSymbolValueLength(),
        d.rejectOlderThan(), d.rejectNewerThan(), d.maxQueryLookback(), d.maxQueryLength(), d.maxFlameGraphNodesDefault(),
        d.maxFlameGraphNodesMax()));
    String text = SharedTestData.text("folded/cortex-dev-01__kafka-0__cpu__0.cpu.folded");

    HttpResponse folded = post("name=kafka.app.cpu", text.getBytes(StandardCharsets.UTF_8));
    assertThat(folded.status()).isEqualTo(429);
    assertThat(body(folded)).contains("\"code\":\"resource_exhausted\"");

    clock.set(Instant.ofEpochSecond(PprofFacts.parse(SharedTestData.bytes(GO_CPU)).getTimeNanos() / 1_000_000_000L));
    HttpResponse pprof = post("name=app&format=pprof", SharedTestData.bytes(GO_CPU));
    assertThat(pprof.status()).isEqualTo(429);
    assertThat(writer.writes()).isEmpty();
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static JsonNode json(String file) throws IOException {
    return new ObjectMapper().readTree(SharedTestData.bytes(file));
  }
}
