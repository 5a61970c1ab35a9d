package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.util.JsonFormat;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.common.testing.SharedTestData;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.proto.collector.profiles.v1development.ExportProfilesServiceRequest;
import io.opentelemetry.proto.collector.profiles.v1development.ExportProfilesServiceResponse;
import io.opentelemetry.proto.collector.profiles.v1development.ProfilesServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.profiles.v1development.ResourceProfiles;
import io.opentelemetry.proto.profiles.v1development.Sample;
import io.opentelemetry.proto.profiles.v1development.ScopeProfiles;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OTLP profiles through every binding against Pyroscope's expected query results for the
 * OpenTelemetry eBPF profiler fixture: each run tags its scopes with a unique {@code test_run_no}
 * attribute (as Pyroscope's test does) and queries {@code service_name="unknown_service"} of that
 * run, comparing the compact view (sample types, sorted samples with locations, lines, mappings
 * and values) with {@code expected/otlp}.
 */
class OtlpIngestIT {
  private static final String FIXTURE = "otlp/otel-ebpf-profile.pb.bin";
  private static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
  private static final String OFF_CPU = "off_cpu:off_cpu:nanoseconds::";
  private static final String EXPORT_PATH = "/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export";

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
  void protobufOverHttp() throws Exception {
    String run = UUID.randomUUID().toString();
    HttpResponse<byte[]> r = server.post("/v1development/profiles", tagged(fixture(), run).toByteArray(),
        "Content-Type", "application/x-protobuf");
    assertSuccess(r);
    assertMatchesExpected(run);
  }

  @Test
  void gzippedProtobufOverHttp() throws Exception {
    String run = UUID.randomUUID().toString();
    HttpResponse<byte[]> r = server.post("/v1development/profiles",
        SharedTestData.gzip(tagged(fixture(), run).toByteArray()),
        "Content-Type", "application/protobuf", "Content-Encoding", "gzip");
    assertSuccess(r);
    assertMatchesExpected(run);
  }

  @Test
  void jsonOverHttpAnswersBinary() throws Exception {
    String run = UUID.randomUUID().toString();
    ExportProfilesServiceRequest.Builder b = ExportProfilesServiceRequest.newBuilder();
    JsonFormat.parser().merge(new String(SharedTestData.bytes("otlp/otel-ebpf-profile.pb.json"), StandardCharsets.UTF_8), b);
    String json = JsonFormat.printer().print(tagged(b.build(), run));
    HttpResponse<byte[]> r = server.post("/v1development/profiles", json.getBytes(StandardCharsets.UTF_8),
        "Content-Type", "application/json");
    assertSuccess(r);
    assertMatchesExpected(run);
  }

  @Test
  void grpcOnTheGrpcPort() throws Exception {
    String run = UUID.randomUUID().toString();
    ExportProfilesServiceResponse resp = ProfilesServiceGrpc.newBlockingStub(server.grpc())
        .withDeadlineAfter(30, TimeUnit.SECONDS).export(tagged(fixture(), run));
    assertThat(resp.hasPartialSuccess()).isFalse();
    assertMatchesExpected(run);
  }

  @Test
  void grpcOnTheHttpPort() throws Exception {
    String run = UUID.randomUUID().toString();
    ProfilesServiceGrpc.newBlockingStub(server.grpcOverHttp()).withDeadlineAfter(30, TimeUnit.SECONDS)
        .export(tagged(fixture(), run));
    assertMatchesExpected(run);
  }

  @Test
  void connectOnTheHttpPort() throws Exception {
    String run = UUID.randomUUID().toString();
    HttpResponse<byte[]> r = server.post(EXPORT_PATH, tagged(fixture(), run).toByteArray(),
        "Content-Type", "application/proto");
    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    assertMatchesExpected(run);
  }

  @Test
  void javaAgentOtlpRequestReplayedExactly() throws Exception {
    byte[] body = SharedTestData.bytes("captured/java-agent-2.9.2/otlp-itimer.body");
    ExportProfilesServiceRequest sent = ExportProfilesServiceRequest.parseFrom(SharedTestData.gunzipIfNeeded(body));
    var profile = sent.getResourceProfiles(0).getScopeProfiles(0).getProfiles(0);
    long expectedTotal = 0;
    for (Sample s : profile.getSamplesList()) {
      for (long v : s.getValuesList()) {
        expectedTotal += v;
      }
    }
    assertThat(expectedTotal).isEqualTo(4_830_000_000L); // the capture's README
    HttpResponse<byte[]> r = server.post("/v1development/profiles", body, "Content-Encoding", "gzip",
        "Content-Type", "application/x-protobuf", "User-Agent", "okhttp/4.12.0");
    assertSuccess(r);

    long fromMs = profile.getTimeUnixNano() / 1_000_000;
    // No resource attributes: unknown_service; sample and period type itimer/ns name the profile.
    Profile merged = server.mergeProfile("itimer:itimer:ns:itimer:ns", "{service_name=\"unknown_service\"}",
        fromMs - 60_000, fromMs + 60_000);
    assertThat(CompactProfile.of(merged).total()).isEqualTo(expectedTotal);
    assertThat(merged.getStringTableList()).contains("Burn.main", "Burn.fib");
  }

  @Test
  void wrongContentTypeIs415InPlainText() throws Exception {
    HttpResponse<byte[]> r = server.post("/v1development/profiles", fixture().toByteArray(),
        "Content-Type", "application/octet-stream");
    assertThat(r.statusCode()).isEqualTo(415);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain"));
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("application/octet-stream", "application/x-protobuf");
  }

  @Test
  void bodiesThatDoNotDecodeAre400AndStoreNothing() throws Exception {
    String run = UUID.randomUUID().toString();
    byte[] good = tagged(fixture(), run).toByteArray();
    byte[] truncated = java.util.Arrays.copyOf(good, good.length / 2);
    HttpResponse<byte[]> r = server.post("/v1development/profiles", truncated, "Content-Type", "application/x-protobuf");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("Failed to parse protobuf request");

    r = server.post("/v1development/profiles", "{\"resourceProfiles\": [".getBytes(StandardCharsets.UTF_8),
        "Content-Type", "application/json");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("Failed to parse JSON request");

    r = server.post("/v1development/profiles", good, "Content-Type", "application/x-protobuf", "Content-Encoding", "gzip");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("not valid gzip");

    assertNothingStored(run);
  }

  @Test
  void aProfileThatDoesNotConvertRejectsTheWholeRequest() throws Exception {
    String earlier = UUID.randomUUID().toString();
    assertSuccess(server.post("/v1development/profiles", tagged(fixture(), earlier).toByteArray(),
        "Content-Type", "application/x-protobuf"));

    String run = UUID.randomUUID().toString();
    ExportProfilesServiceRequest.Builder b = tagged(fixture(), run).toBuilder();
    // Pyroscope's corrupted fixture: the last profile's first sample points past the stack table.
    ResourceProfiles.Builder last = b.getResourceProfilesBuilder(b.getResourceProfilesCount() - 1);
    last.getScopeProfilesBuilder(0).getProfilesBuilder(0).getSamplesBuilder(0).setStackIndex(1_000_000_000);
    HttpResponse<byte[]> r = server.post("/v1development/profiles", b.build().toByteArray(),
        "Content-Type", "application/x-protobuf");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new String(r.body(), StandardCharsets.UTF_8))
        .contains("failed to convert otel profile").contains("invalid stack index: 1000000000");

    assertThatThrownBy(() -> ProfilesServiceGrpc.newBlockingStub(server.grpc()).withDeadlineAfter(30, TimeUnit.SECONDS)
        .export(b.build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("invalid stack index: 1000000000");
        });

    assertNothingStored(run);
    assertMatchesExpected(earlier);
  }

  private static void assertSuccess(HttpResponse<byte[]> r) {
    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
    assertThat(r.body()).isEqualTo(ExportProfilesServiceResponse.getDefaultInstance().toByteArray());
  }

  private static void assertMatchesExpected(String run) throws Exception {
    long[] range = range();
    String selector = "{service_name=\"unknown_service\", test_run_no=\"" + run + "\"}";
    CompactProfile cpu = CompactProfile.of(server.mergeProfile(CPU, selector, range[0], range[1]));
    CompactProfile expectedCpu = CompactProfile.parse(SharedTestData.bytes("expected/otlp/otel-ebpf-profile-cpu.out.json"));
    assertThat(cpu.total()).isEqualTo(500_000_000L);
    assertThat(cpu).isEqualTo(expectedCpu);

    CompactProfile off = CompactProfile.of(server.mergeProfile(OFF_CPU, selector, range[0], range[1]));
    CompactProfile expectedOff = CompactProfile.parse(SharedTestData.bytes("expected/otlp/otel-ebpf-profile-offcpu.out.json"));
    assertThat(off.total()).isEqualTo(250_725_419_905L);
    assertThat(off.samples()).hasSize(76);
    assertThat(off).isEqualTo(expectedOff);
  }

  private static void assertNothingStored(String run) throws Exception {
    long[] range = range();
    String selector = "{test_run_no=\"" + run + "\"}";
    assertThat(server.mergeProfile(CPU, selector, range[0], range[1]).getSampleCount()).isZero();
    assertThat(server.mergeProfile(OFF_CPU, selector, range[0], range[1]).getSampleCount()).isZero();
  }

  /** The fixture's time span in ms, widened by a minute each side. */
  private static long[] range() throws Exception {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (ResourceProfiles rp : fixture().getResourceProfilesList()) {
      for (ScopeProfiles sp : rp.getScopeProfilesList()) {
        for (var p : sp.getProfilesList()) {
          min = Math.min(min, p.getTimeUnixNano() / 1_000_000);
          max = Math.max(max, (p.getTimeUnixNano() + p.getDurationNano()) / 1_000_000);
        }
      }
    }
    return new long[] {min - 60_000, max + 60_000};
  }

  private static ExportProfilesServiceRequest fixture() throws Exception {
    return ExportProfilesServiceRequest.parseFrom(SharedTestData.bytes(FIXTURE));
  }

  private static ExportProfilesServiceRequest tagged(ExportProfilesServiceRequest req, String run) {
    ExportProfilesServiceRequest.Builder b = req.toBuilder();
    for (ResourceProfiles.Builder rp : b.getResourceProfilesBuilderList()) {
      for (ScopeProfiles.Builder sp : rp.getScopeProfilesBuilderList()) {
        sp.getScopeBuilder().addAttributes(KeyValue.newBuilder().setKey("test_run_no")
            .setValue(AnyValue.newBuilder().setStringValue(run)));
      }
    }
    return b.build();
  }
}
