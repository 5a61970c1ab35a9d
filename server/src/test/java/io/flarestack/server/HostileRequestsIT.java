package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.PushResponse;
import io.flarestack.api.push.v1.PusherServiceGrpc;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.server.testing.Connect;
import io.flarestack.server.testing.Pushes;
import io.flarestack.server.testing.ServerProcess;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request shapes that killed a server with a 1 GiB heap (attack report D1), sent to the real
 * server in a child JVM with a quarter of that heap and the launcher's
 * {@code -XX:+ExitOnOutOfMemoryError}: each is refused with a 4xx that names its limit, the
 * server stays ready, its resident memory stays bounded, and what was pushed before is intact.
 */
class HostileRequestsIT {
  /** A 256 MiB heap, plus metaspace, code, threads and Netty's direct buffers. */
  private static final long RSS_BOUND = 700L << 20;

  @TempDir
  static Path dataDir;

  private static ServerProcess server;
  private static Connect connect;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final Profile GO = SharedTestData.pprof("go/cpu.pb.gz");
  private static long start;

  @BeforeAll
  static void startAndPushKnownData() throws Exception {
    server = ServerProcess.start(List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC"),
        List.of("-pyroscopedb.data-path=" + dataDir, "-distributor.ingestion-rate-limit-mb=10000",
            "-distributor.ingestion-burst-size-mb=10000"), null);
    connect = new Connect(server.baseUrl());
    start = System.currentTimeMillis() - 60_000;
    for (int seq = 0; seq < 10; seq++) {
      Pushes.push(connect, "before", seq, GO.toBuilder().setTimeNanos((start + seq) * 1_000_000L).build());
    }
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void pushOfFiftyMibOfEmptySeriesGzippedIntoFiftyKb() throws Exception {
    byte[] body = gzip(pattern(new byte[] {0x0a, 0x00}, 25 << 20));
    assertThat(body.length).isLessThan(100 << 10);
    // Refused while inflating (more than the request may hold) or while counting series.
    assertRefused(post("/push.v1.PusherService/Push", "application/proto", body, "gzip"),
        "-server.max-inflight-request-bytes", "-distributor.max-series-per-request");
  }

  @Test
  void pushOfFiftyMibOfEmptySeries() throws Exception {
    assertRefused(post("/push.v1.PusherService/Push", "application/proto", pattern(new byte[] {0x0a, 0x00}, 25 << 20),
        null), "-distributor.max-series-per-request");
  }

  @Test
  void pushJsonOfTwentyMillionEmptyObjects() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream(60 << 20);
    out.writeBytes("{\"series\":[{}".getBytes(StandardCharsets.UTF_8));
    byte[] more = ",{}".getBytes(StandardCharsets.UTF_8);
    for (int i = 1; i < 20_000_000; i++) {
      out.write(more, 0, more.length);
    }
    out.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
    assertRefused(post("/push.v1.PusherService/Push", "application/json", out.toByteArray(), null),
        "-server.max-inflight-request-bytes", "-distributor.max-series-per-request");
  }

  @Test
  void otlpOverHttpOfOneHundredMibOfEmptyResourceProfiles() throws Exception {
    assertRefused(post("/v1development/profiles", "application/x-protobuf", pattern(new byte[] {0x0a, 0x00}, 50 << 20),
        null), "-server.max-inflight-request-bytes");
  }

  @Test
  void otlpConnectExportOfOneHundredMibOfEmptyResourceProfiles() throws Exception {
    assertRefused(post("/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export",
        "application/proto", pattern(new byte[] {0x0a, 0x00}, 50 << 20), null), "-server.max-inflight-request-bytes");
  }

  @Test
  void otlpConnectExportOfHalfAGibOfUnknownFieldsGzipped() throws Exception {
    assertRefused(post("/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export",
        "application/proto", gzip(pattern(new byte[] {0x32, 0x00}, 256 << 20)), "gzip"),
        "-server.max-inflight-request-bytes", "-distributor.ingestion-body-limit-mb");
  }

  @Test
  void pushOfHalfAGibOfUnknownFieldsOrEmptySeriesGzipped() throws Exception {
    for (byte first : new byte[] {0x32, 0x0a}) {
      assertRefused(post("/push.v1.PusherService/Push", "application/proto",
          gzip(pattern(new byte[] {first, 0x00}, 256 << 20)), "gzip"),
          "-server.max-inflight-request-bytes", "-distributor.ingestion-body-limit-mb");
    }
  }

  @Test
  void grpcPushOfFortyMibOfEmptySeries() throws Exception {
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext()
        .maxInboundMessageSize(1 << 20).build();
    try {
      // Sent as raw bytes, so the client does not build 20 million messages itself.
      MethodDescriptor<InputStream, PushResponse> raw = PusherServiceGrpc.getPushMethod().toBuilder(
          new RawBytes(), PusherServiceGrpc.getPushMethod().getResponseMarshaller()).build();
      StatusRuntimeException e = org.assertj.core.api.Assertions.catchThrowableOfType(
          () -> ClientCalls.blockingUnaryCall(channel, raw, io.grpc.CallOptions.DEFAULT.withDeadlineAfter(60,
              TimeUnit.SECONDS), new ByteArrayInputStream(pattern(new byte[] {0x0a, 0x00}, 20 << 20))),
          StatusRuntimeException.class);
      assertThat(e).isNotNull();
      assertThat(e.getStatus().getCode()).isIn(Status.Code.INVALID_ARGUMENT, Status.Code.RESOURCE_EXHAUSTED);
      assertThat(e.getStatus().getDescription()).containsAnyOf("-distributor.max-series-per-request",
          "max message size", "larger than");
      assertStillHealthy();
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void manyLargeRequestsAtOnceAreAnsweredNotFatal() throws Exception {
    // One unknown field of 12 MiB: decoded alone (400, no profiles), but eight at once hold more
    // than the budget (a quarter of the heap), so some may be answered 429 instead.
    int len = 12 << 20;
    byte[] body = new byte[1 + 4 + len];
    body[0] = 0x1a; // field 3, length-delimited: unknown to PushRequest
    body[1] = (byte) (0x80 | (len & 0x7f));
    body[2] = (byte) (0x80 | ((len >>> 7) & 0x7f));
    body[3] = (byte) (0x80 | ((len >>> 14) & 0x7f));
    body[4] = (byte) (len >>> 21);
    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      calls.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/push.v1.PusherService/Push"))
          .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/proto")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString()));
    }
    for (var call : calls) {
      HttpResponse<String> r = call.get(120, TimeUnit.SECONDS);
      assertThat(r.statusCode()).as(r.body()).isIn(400, 413, 429);
      assertThat(r.body()).contains("\"message\"");
    }
    assertStillHealthy();
  }

  private static void assertRefused(HttpResponse<String> r, String... anyOfFlags) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isBetween(400, 499);
    assertThat(r.body()).containsAnyOf(anyOfFlags);
    assertStillHealthy();
  }

  private static void assertStillHealthy() throws Exception {
    assertThat(server.isAlive()).as("server alive; log:\n%s", server.log()).isTrue();
    HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/ready")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(server.rssBytes()).as("resident memory").isLessThan(RSS_BOUND);
    Map<String, Long> totals = Pushes.totalsBy(connect, "{service_name=\"before\"}", Pushes.CPU, "seq", start - 1000,
        System.currentTimeMillis() + 60_000);
    long expected = PprofFacts.total(GO, PprofFacts.sampleType(GO, "cpu"));
    assertThat(totals).hasSize(10);
    assertThat(totals.values()).allSatisfy(v -> assertThat(v).isEqualTo(expected));
  }

  private static HttpResponse<String> post(String path, String contentType, byte[] body, String encoding)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
        .timeout(Duration.ofSeconds(120)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (encoding != null) {
      b.header("Content-Encoding", encoding);
    }
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new AssertionError("no answer (server alive: " + server.isAlive() + "); log:\n" + server.log(), e);
    }
  }

  private static byte[] pattern(byte[] unit, int times) {
    byte[] out = new byte[unit.length * times];
    for (int i = 0; i < out.length; i += unit.length) {
      System.arraycopy(unit, 0, out, i, unit.length);
    }
    return out;
  }

  private static byte[] gzip(byte[] data) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16) {
      {
        def.setLevel(Deflater.BEST_COMPRESSION);
      }
    }) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  private static final class RawBytes implements MethodDescriptor.Marshaller<InputStream> {
    @Override
    public InputStream stream(InputStream value) {
      return value;
    }

    @Override
    public InputStream parse(InputStream stream) {
      return stream;
    }
  }
}
