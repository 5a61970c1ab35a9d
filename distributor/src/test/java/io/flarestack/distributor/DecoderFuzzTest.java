package io.flarestack.distributor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Label;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.google.v1.ValueType;
import io.flarestack.api.ingester.v1.NormalizedProfile;
import io.flarestack.api.ingester.v1.ProfileSeries;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.PusherServiceGrpc;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.api.push.v1.RawSample;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.common.edge.connect.ConnectCodecs;
import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.io.RequestGuards;
import io.flarestack.common.io.RequestMemory;
import io.flarestack.common.limits.Limits;
import io.flarestack.common.limits.TenantLimits;
import io.flarestack.common.testing.ManualClock;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.common.testing.fuzz.FuzzSeeds;
import io.flarestack.common.testing.fuzz.Fuzzer;
import io.flarestack.common.testing.fuzz.Mutator.Form;
import io.flarestack.distributor.ingest.AppName;
import io.flarestack.distributor.ingest.IngestHandler;
import io.flarestack.distributor.ingest.jfr.JfrConfig;
import io.flarestack.distributor.ingest.jfr.JfrIngest;
import io.flarestack.distributor.otlp.OtlpHttpHandler;
import io.flarestack.distributor.otlp.OtlpIngest;
import io.flarestack.distributor.testing.HttpRequests;
import io.flarestack.distributor.testing.LegacyEncodings;
import io.flarestack.distributor.testing.RecordingWriter;
import io.flarestack.distributor.testing.TestScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.opentelemetry.proto.collector.profiles.v1development.ExportProfilesServiceRequest;
import io.opentelemetry.proto.collector.profiles.v1development.ProfilesServiceGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every decoder of client bytes on the write path, fuzzed from the real profiles and captured
 * client requests ({@link Fuzzer}): pprof through {@link Distributor#push} (decoding, validation,
 * splitting), push requests as the Connect codec decodes them, every {@code /ingest} format
 * through {@link IngestHandler}, OTLP over HTTP and Connect, the {@code name} parameter and the
 * query string. A decoder may answer a value or a 4xx; handlers may answer 2xx or 4xx; a 5xx, an
 * exception or a written series that breaks the ingester's contract is a finding. The build runs
 * a fixed, seeded budget; {@code docs/fuzzing.md} has the long run.
 */
class DecoderFuzzTest {
  private static final String LENIENT = "lenient";
  private static final String DEFAULTS = "defaults";
  private static final String BOUNDARY = "fuzz-b0undary";
  private static final String MULTIPART = "multipart/form-data; boundary=" + BOUNDARY;
  private static final String QUERY = "name=fuzz.app.cpu%7Benv%3Dprod%2Cregion%3Deu%7D&from=1795480289&until=1795480299"
      + "&spyName=gospy&sampleRate=100";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-24T01:00:00Z"));
  private final RecordingWriter writer = new RecordingWriter();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Fuzzer fuzzer = Fuzzer.fromSystemProperties();
  private Distributor distributor;
  private IngestHandler ingest;
  private OtlpIngest otlp;
  private OtlpHttpHandler otlpHttp;
  private RequestGuards guards;

  @AfterEach
  void stop() {
    if (distributor != null) {
      distributor.stop();
    }
  }

  @TestFactory
  List<DynamicTest> decoders() throws Exception {
    // The rate limit is off (the clock stands still, so buckets would never refill) and, for the
    // lenient tenant, the ingestion window too, so that old real profiles reach the splitter.
    Limits d = Limits.defaults();
    Limits defaults = new Limits(0, 0, d.ingestionBodyLimitBytes(), d.maxLabelNameLength(), d.maxLabelValueLength(),
        d.maxLabelNamesPerSeries(), d.maxProfileSizeBytes(), d.maxProfileStacktraceSamples(),
        d.maxProfileStacktraceSampleLabels(), d.maxProfileStacktraceDepth(), d.maxProfileSymbolValueLength(),
        d.rejectOlderThan(), d.rejectNewerThan(), d.maxQueryLookback(), d.maxQueryLength(),
        d.maxFlameGraphNodesDefault(), d.maxFlameGraphNodesMax());
    Limits lenient = new Limits(0, 0, d.ingestionBodyLimitBytes(), d.maxLabelNameLength(), d.maxLabelValueLength(),
        d.maxLabelNamesPerSeries(), d.maxProfileSizeBytes(), d.maxProfileStacktraceSamples(),
        d.maxProfileStacktraceSampleLabels(), d.maxProfileStacktraceDepth(), d.maxProfileSymbolValueLength(),
        Duration.ZERO, Duration.ZERO, d.maxQueryLookback(), d.maxQueryLength(), d.maxFlameGraphNodesDefault(),
        d.maxFlameGraphNodesMax());
    TenantLimits limits = tenant -> tenant.equals(DEFAULTS) ? defaults : lenient;
    DistributorConfig config = DistributorConfig.defaults();
    distributor = new Distributor(config, limits, writer, clock, TestScheduler.INSTANCE, registry);
    distributor.start();
    ingest = new IngestHandler(distributor, false, clock, tenant -> lenient,
        new JfrIngest(distributor, JfrConfig.defaults(), registry));
    IngestGuards ingestGuards = new IngestGuards(config);
    guards = new RequestGuards();
    ingestGuards.registerWith(guards);
    otlp = new OtlpIngest(distributor, clock);
    otlpHttp = new OtlpHttpHandler(otlp, false, tenant -> lenient, ingestGuards.otlp());

    List<byte[]> pprofs = FuzzSeeds.pprofs(24 << 10);
    List<Fuzzer.Spec> specs = new ArrayList<>();
    specs.add(new Fuzzer.Spec("pprof-push", Form.PROTO, pprofs, 200, (input, call) -> push(LENIENT, input)));
    specs.add(new Fuzzer.Spec("pprof-push-default-limits", Form.PROTO, pprofs, 60,
        (input, call) -> push(DEFAULTS, input)));
    specs.add(new Fuzzer.Spec("push-request", Form.PROTO, pushRequests(pprofs), 100, (input, call) -> {
      distributor.push(LENIENT, ConnectCodecs.parse(PusherServiceGrpc.getPushMethod().getRequestMarshaller(), input,
          false, guards, call.memory()));
      checkWritten();
    }));
    specs.add(new Fuzzer.Spec("ingest-pprof", Form.PROTO, pprofs, 100,
        (input, call) -> ingest(QUERY + "&format=pprof", input, call)));
    // The spies whose profiles are repaired: function names rewritten (pyspy), ids and sample types (dotnetspy).
    specs.add(new Fuzzer.Spec("ingest-pprof-pyspy", Form.PROTO, pprofs, 40,
        (input, call) -> ingest(QUERY.replace("gospy", "pyspy") + "&format=pprof", input, call)));
    specs.add(new Fuzzer.Spec("ingest-pprof-dotnetspy", Form.PROTO, pprofs, 40,
        (input, call) -> ingest(QUERY.replace("gospy", "dotnetspy") + "&format=pprof", input, call)));
    specs.add(new Fuzzer.Spec("ingest-pprof-multipart", Form.BINARY, pprofForms(), 80,
        (input, call) -> ingest(QUERY, input, call, "Content-Type", MULTIPART)));
    specs.add(new Fuzzer.Spec("ingest-jfr", Form.BINARY, List.of(SharedTestData.bytes("jfr/dump1.jfr.gz")), 8,
        (input, call) -> ingest(QUERY.replace("fuzz.app.cpu", "fuzz.app") + "&format=jfr", input, call)));
    specs.add(jfrMultipart());
    specs.add(new Fuzzer.Spec("ingest-folded", Form.TEXT, FuzzSeeds.folded(12 << 10), 100,
        (input, call) -> ingest(QUERY, input, call)));
    specs.add(new Fuzzer.Spec("ingest-lines", Form.TEXT, lines(), 80,
        (input, call) -> ingest(QUERY + "&format=lines", input, call)));
    specs.add(new Fuzzer.Spec("ingest-trie", Form.BINARY, legacy(true), 80,
        (input, call) -> ingest(QUERY + "&format=trie", input, call)));
    specs.add(new Fuzzer.Spec("ingest-tree", Form.BINARY, legacy(false), 80,
        (input, call) -> ingest(QUERY + "&format=tree", input, call)));
    specs.add(new Fuzzer.Spec("ingest-speedscope", Form.JSON, speedscope(), 100,
        (input, call) -> ingest(QUERY.replace("fuzz.app.cpu", "fuzz.app") + "&format=speedscope", input, call)));
    specs.add(new Fuzzer.Spec("ingest-query", Form.TEXT, queries(), 200, (input, call) -> {
      String uri = "/ingest?" + new String(input, StandardCharsets.UTF_8);
      QueryStringDecoder decoder;
      Map<String, List<String>> query;
      try {
        decoder = new QueryStringDecoder(uri);
        query = decoder.parameters();
      } catch (IllegalArgumentException e) {
        return; // the server's edge answers 400 for a request target that is not valid percent-encoding
      }
      respond(ingest.handle(new HttpRequest("POST", "/ingest", query, Map.of(), "main;work 3\nmain;gc 1\n"
          .getBytes(StandardCharsets.UTF_8), call.memory())), call);
    }));
    specs.add(new Fuzzer.Spec("app-name", Form.TEXT, names(), 400, (input, call) -> {
      AppName n = AppName.parse(new String(input, StandardCharsets.UTF_8));
      n.ingestionLabels();
      n.hasProfileId();
    }));
    List<byte[]> otlpProto = List.of(SharedTestData.bytes("captured/java-agent-2.9.2/otlp-itimer.body"),
        SharedTestData.bytes("otlp/otel-ebpf-profile.pb.bin"));
    specs.add(new Fuzzer.Spec("otlp-http-proto", Form.PROTO, otlpProto, 60, (input, call) -> {
      respond(otlpHttp.handle(request("", input, call.memory(), SharedTestData.isGzip(input)
          ? new String[] {"Content-Type", "application/x-protobuf", "Content-Encoding", "gzip"}
          : new String[] {"Content-Type", "application/x-protobuf"})), call);
    }));
    specs.add(new Fuzzer.Spec("otlp-http-json", Form.JSON, otlpJson(), 30, (input, call) ->
        respond(otlpHttp.handle(request("", input, call.memory(), "Content-Type", "application/json")), call)));
    specs.add(new Fuzzer.Spec("otlp-connect-proto", Form.PROTO, List.of(SharedTestData.gunzip(otlpProto.get(0))), 60,
        (input, call) -> otlpConnect(input, false, call)));
    specs.add(new Fuzzer.Spec("otlp-connect-json", Form.JSON, otlpJson(), 30,
        (input, call) -> otlpConnect(input, true, call)));
    return fuzzer.tests(specs);
  }

  private void push(String tenant, byte[] profile) {
    distributor.push(tenant, PushRequest.newBuilder().addSeries(RawProfileSeries.newBuilder()
        .addLabels(pair("__name__", "process_cpu")).addLabels(pair("service_name", "fuzz"))
        .addLabels(pair("pyroscope_spy", "gospy"))
        .addSamples(RawSample.newBuilder().setRawProfile(ByteString.copyFrom(profile)).setID("id"))).build());
    checkWritten();
  }

  private void ingest(String query, byte[] body, Fuzzer.Call call, String... headers) {
    respond(ingest.handle(request(query, body, call.memory(), headers)), call);
  }

  private void otlpConnect(byte[] body, boolean json, Fuzzer.Call call) {
    ExportProfilesServiceRequest r = ConnectCodecs.parse(ProfilesServiceGrpc.getExportMethod().getRequestMarshaller(),
        body, json, guards, call.memory());
    otlp.export(LENIENT, r);
    checkWritten();
  }

  private static HttpRequest request(String query, byte[] body, RequestMemory memory, String... headers) {
    HttpRequest r = HttpRequests.post("/ingest", query, body, headers);
    return new HttpRequest(r.method(), r.path(), r.query(), r.headers(), body, memory);
  }

  // A handler's answer: 2xx (what it wrote must be well-formed) or 4xx; anything else is a finding.
  private void respond(HttpResponse r, Fuzzer.Call call) {
    if (r.status() >= 400 && r.status() < 500) {
      call.outcome(r.status(), message(r));
      return;
    }
    if (r.status() < 200 || r.status() >= 300) {
      throw Fuzzer.finding("HTTP " + r.status() + ": " + new String(r.body(), StandardCharsets.UTF_8));
    }
    checkWritten();
  }

  // The message of an error response: plain text, or the "message" of a JSON error body.
  private static String message(HttpResponse r) {
    String body = new String(r.body(), StandardCharsets.UTF_8);
    if (body.startsWith("{")) {
      try {
        return MAPPER.readTree(body).path("message").asText();
      } catch (IOException e) {
        return body;
      }
    }
    return body;
  }

  /**
   * What an accepted input wrote must be what the ingesters rely on: series named and labelled
   * with valid names, and profiles whose every reference resolves (sample values per sample type,
   * location, function and string indices).
   */
  private void checkWritten() {
    try {
      for (ProfileSeries s : writer.series()) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (LabelPair p : s.getLabelsList()) {
          if (p.getName().isEmpty() || labels.put(p.getName(), p.getValue()) != null) {
            throw Fuzzer.finding("series labels with an empty or repeated name: " + s.getLabelsList());
          }
        }
        if (!labels.containsKey("__name__") || !labels.containsKey("service_name")) {
          throw Fuzzer.finding("series without __name__ or service_name: " + labels);
        }
        for (NormalizedProfile np : s.getProfilesList()) {
          checkProfile(np.getProfile(), labels);
        }
      }
    } finally {
      writer.writes().clear();
    }
  }

  private static void checkProfile(Profile p, Map<String, String> labels) {
    int strings = p.getStringTableCount();
    if (strings == 0 || !p.getStringTable(0).isEmpty() || p.getSampleTypeCount() == 0) {
      throw Fuzzer.finding("profile of " + labels + " without sample types or an empty string 0");
    }
    for (ValueType t : p.getSampleTypeList()) {
      string(p, t.getType(), labels);
      string(p, t.getUnit(), labels);
    }
    Set<Long> functions = new HashSet<>();
    for (Function f : p.getFunctionList()) {
      functions.add(f.getId());
      string(p, f.getName(), labels);
      string(p, f.getFilename(), labels);
    }
    Set<Long> locations = new HashSet<>();
    for (Location l : p.getLocationList()) {
      locations.add(l.getId());
      l.getLineList().forEach(line -> {
        if (line.getFunctionId() != 0 && !functions.contains(line.getFunctionId())) {
          throw Fuzzer.finding("location " + l.getId() + " of " + labels + " names a missing function");
        }
      });
    }
    for (Sample s : p.getSampleList()) {
      if (s.getValueCount() != p.getSampleTypeCount() || s.getLocationIdCount() == 0) {
        throw Fuzzer.finding("a sample of " + labels + " has " + s.getValueCount() + " values for "
            + p.getSampleTypeCount() + " sample types, " + s.getLocationIdCount() + " locations");
      }
      for (long id : s.getLocationIdList()) {
        if (!locations.contains(id)) {
          throw Fuzzer.finding("a sample of " + labels + " references the missing location " + id);
        }
      }
      for (Label l : s.getLabelList()) {
        string(p, l.getKey(), labels);
        string(p, l.getStr(), labels);
      }
      for (long v : s.getValueList()) {
        if (v < 0) {
          throw Fuzzer.finding("a sample of " + labels + " has the negative value " + v);
        }
      }
    }
  }

  private static void string(Profile p, long index, Map<String, String> labels) {
    if (index < 0 || index >= p.getStringTableCount()) {
      throw Fuzzer.finding("string index " + index + " out of range in a profile of " + labels);
    }
  }

  private static LabelPair pair(String name, String value) {
    return LabelPair.newBuilder().setName(name).setValue(value).build();
  }

  // --- seeds ---

  private static List<byte[]> pushRequests(List<byte[]> pprofs) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i + 1 < Math.min(pprofs.size(), 8); i += 2) {
      out.add(PushRequest.newBuilder()
          .addSeries(RawProfileSeries.newBuilder().addLabels(pair("__name__", "process_cpu"))
              .addLabels(pair("service_name", "fuzz")).addLabels(pair("env", "prod"))
              .addSamples(RawSample.newBuilder().setRawProfile(ByteString.copyFrom(pprofs.get(i))).setID("a")))
          .addSeries(RawProfileSeries.newBuilder().addLabels(pair("__name__", "godeltaprof_memory"))
              .addLabels(pair("service_name", "fuzz")).addLabels(pair("__session_id__", "0123456789abcdef"))
              .addSamples(RawSample.newBuilder().setRawProfile(ByteString.copyFrom(pprofs.get(i + 1))).setID("b")))
          .build().toByteArray());
    }
    return out;
  }

  // The og-convert requests: a pprof with its sample type configuration, as a multipart form.
  private static List<byte[]> pprofForms() {
    List<byte[]> out = new ArrayList<>();
    for (String req : List.of("req_2", "req_3", "req_4", "req_5")) {
      String dir = "pprof/og-convert-pprof/";
      out.add(HttpRequests.multipart(BOUNDARY,
          new Object[] {"profile", "profile.pprof", SharedTestData.bytes(dir + req + ".pprof")},
          new Object[] {"sample_type_config", "sample_type_config.json", SharedTestData.bytes(dir + req + ".st.json")}));
    }
    return out;
  }

  private Fuzzer.Spec jfrMultipart() throws IOException {
    // The captured Java agent uploads carry their own boundaries; the test's forms use ours.
    List<byte[]> seeds = new ArrayList<>();
    seeds.add(HttpRequests.multipart(BOUNDARY,
        new Object[] {"jfr", "jfr", SharedTestData.bytes("jfr/dump1.jfr.gz")},
        new Object[] {"labels", "labels", SharedTestData.bytes("jfr/dump1.labels.pb.gz")}));
    String captured = "captured/java-agent-2.9.2/jfr-jdk-profiler-cpu";
    String boundary = contentType(captured + ".request.json").replaceAll(".*boundary=", "");
    seeds.add(new String(SharedTestData.bytes(captured + ".multipart.body"), StandardCharsets.ISO_8859_1)
        .replace(boundary, BOUNDARY).getBytes(StandardCharsets.ISO_8859_1));
    return new Fuzzer.Spec("ingest-jfr-multipart", Form.BINARY, seeds, 8,
        (input, call) -> ingest(QUERY.replace("fuzz.app.cpu", "fuzz.app") + "&format=jfr", input, call,
            "Content-Type", MULTIPART));
  }

  private static String contentType(String requestJson) throws IOException {
    JsonNode req = MAPPER.readTree(SharedTestData.bytes(requestJson));
    for (JsonNode h : req.get("headers")) {
      if (h.get(0).asText().toLowerCase(Locale.ROOT).equals("content-type")) {
        return h.get(1).asText();
      }
    }
    throw new IllegalStateException(requestJson + " has no Content-Type");
  }

  // "lines": one stack per line, each counting one sample.
  private static List<byte[]> lines() {
    List<byte[]> out = new ArrayList<>();
    for (byte[] folded : FuzzSeeds.folded(2 << 10)) {
      StringBuilder sb = new StringBuilder();
      FuzzSeeds.stacks(folded).forEach((stack, n) -> sb.append((stack + "\n").repeat((int) Math.min(n, 3))));
      out.add(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  private static List<byte[]> legacy(boolean trie) {
    List<byte[]> out = new ArrayList<>();
    for (byte[] folded : FuzzSeeds.folded(3 << 10)) {
      Map<String, Long> stacks = FuzzSeeds.stacks(folded);
      out.add(trie ? LegacyEncodings.trie(stacks) : LegacyEncodings.tree(stacks));
    }
    return out;
  }

  private static List<byte[]> speedscope() {
    List<byte[]> out = new ArrayList<>();
    for (String name : List.of("simple", "duplicates", "two-sampled", "two-sampled-bytes")) {
      out.add(SharedTestData.bytes("speedscope/" + name + ".speedscope.json"));
    }
    return out;
  }

  // The query strings real agents sent, and the ones of the tests.
  private static List<byte[]> queries() throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (String name : List.of("captured/java-agent-0.11.5/collapsed-itimer", "captured/nodejs-0.6.4/heap-pprof",
        "captured/java-agent-2.9.2/jfr-jdk-profiler-cpu")) {
      JsonNode req = MAPPER.readTree(SharedTestData.bytes(name + ".request.json"));
      out.add(req.get("raw_query").asText().replace("format=jfr", "format=folded")
          .getBytes(StandardCharsets.UTF_8));
    }
    out.add(QUERY.getBytes(StandardCharsets.UTF_8));
    out.add("name=my-app.wall%7Benv%3D%22prod%22%2C__session_id__%3Dabc%7D&sampleRate=0&format=lines"
        .getBytes(StandardCharsets.UTF_8));
    return out;
  }

  private static List<byte[]> names() throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (byte[] q : queries()) {
      String name = new QueryStringDecoder("/ingest?" + new String(q, StandardCharsets.UTF_8)).parameters()
          .get("name").get(0);
      out.add(name.getBytes(StandardCharsets.UTF_8));
    }
    out.add("checkout.cpu{env=prod,service_name=real,profile_id=,__name__=x}".getBytes(StandardCharsets.UTF_8));
    return out;
  }

  // The captured Java agent's OTLP export as protobuf JSON.
  private static List<byte[]> otlpJson() {
    try {
      ExportProfilesServiceRequest r = ExportProfilesServiceRequest.parseFrom(
          SharedTestData.gunzip(SharedTestData.bytes("captured/java-agent-2.9.2/otlp-itimer.body")));
      return List.of(JsonFormat.printer().omittingInsignificantWhitespace().print(r).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
