package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.server.IngestSweepCases.Case;
import io.flarestack.server.IngestSweepCases.Door;
import io.flarestack.server.IngestSweepCases.Grpc;
import io.flarestack.server.IngestSweepCases.Http;
import io.flarestack.server.testing.TestServer;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every ingest door against the malformed inputs of {@link IngestSweepCases}, on a real server
 * (multitenancy on, no rate limit in the way, a 16 MiB body limit): no answer may be a 5xx, every refusal must carry a
 * message, no message may show the server's directories, and every unmodified control case must
 * be accepted. The seed is fixed so a failure reproduces; {@code -Dflarestack.sweep.seed=N}
 * explores others. All failures are reported together, each with its case.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestSweepIT {
  private static final long SEED = Long.getLong("flarestack.sweep.seed", 20_261_207L);
  /** {@code -Dflarestack.sweep.verbose=true} prints every answer, to review what is accepted. */
  private static final boolean VERBOSE = Boolean.getBoolean("flarestack.sweep.verbose");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };
  private static final MethodDescriptor<byte[], byte[]> GRPC_PUSH = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("push.v1.PusherService/Push")
      .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private Path dir;
  private TestServer server;

  /** What came back: the status as HTTP (gRPC codes through {@link ErrorCode}) and the message text. */
  private record Answer(int status, String contentType, String text) {}

  @BeforeAll
  void start() throws Exception {
    // A directory with a name no message could contain by chance: finding it in one means a leak.
    dir = Files.createTempDirectory("flarestack-sweep-private-");
    server = TestServer.start("-auth.multitenancy-enabled=true",
        "-distributor.ingestion-rate-limit-mb=100000", "-distributor.ingestion-burst-size-mb=100000",
        // 16 MiB bodies at most: the largest case is 1 MiB, and bounds that derive from this limit
        // (what a trie or tree may expand to) are reached quickly
        "-distributor.ingestion-body-limit-mb=16MiB",
        "-pyroscopedb.data-path=" + dir.resolve("data"), "-storage.filesystem.dir=" + dir.resolve("bucket"),
        "-distributor.jfr-temp-dir=" + dir.resolve("jfr"));
  }

  @AfterAll
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Test
  void everyDoorAnswersMalformedInputWithAClientErrorAndAMessage() throws Exception {
    long now = System.currentTimeMillis() * 1_000_000L;
    List<Case> cases = IngestSweepCases.generate(SEED, now);
    List<String> failures = new ArrayList<>();
    Map<String, long[]> tally = new TreeMap<>(); // door/category -> 2xx, 4xx, failed, nanos
    Set<Door> controlled = EnumSet.noneOf(Door.class);
    List<long[]> slowest = new ArrayList<>(); // {nanos, index}, for the summary only
    for (Case c : cases) {
      long started = System.nanoTime();
      Answer a = send(c);
      slowest.add(new long[] {System.nanoTime() - started, c.index()});
      String problem = problem(c, a);
      long[] t = tally.computeIfAbsent(c.door() + " / " + c.category(), k -> new long[4]);
      t[problem != null ? 2 : a.status() < 300 ? 0 : 1]++;
      t[3] += slowest.get(slowest.size() - 1)[0];
      if (problem != null) {
        failures.add(c.id() + ": " + problem);
      } else if (c.control()) {
        controlled.add(c.door());
      } else if (VERBOSE) {
        System.out.println(a.status() + " " + c.id() + (a.status() < 300 ? "" : ": " + preview(a.text())));
      }
    }
    StringBuilder summary = new StringBuilder("ingest sweep, seed " + SEED + ", " + cases.size() + " cases\n");
    tally.forEach((k, t) -> summary.append(String.format("  %-50s 2xx %3d  4xx %3d  failed %d  %6d ms%n", k, t[0], t[1],
        t[2], t[3] / 1_000_000)));
    slowest.sort((x, y) -> Long.compare(y[0], x[0]));
    summary.append("slowest cases:\n");
    for (long[] s : slowest.subList(0, Math.min(15, slowest.size()))) {
      summary.append(String.format("  %6d ms  %s%n", s[0] / 1_000_000, cases.get((int) s[1]).id()));
    }
    System.out.print(summary);

    assertThat(failures).as("seed %d: %d of %d cases failed; rerun with -Dflarestack.sweep.seed=%d%n%s", SEED,
        failures.size(), cases.size(), SEED, String.join("\n", failures.subList(0, Math.min(40, failures.size()))))
        .isEmpty();
    assertThat(controlled).as("doors whose unmodified control case was accepted").containsExactlyInAnyOrder(Door.values());
    assertThat(cases.stream().filter(c -> c.call() instanceof Http h && h.pathAndQuery().startsWith("/pyroscope/ingest?"))
        .count()).as("cases through /pyroscope/ingest").isGreaterThan(100);
    assertThat(server.get("/ready").statusCode()).isEqualTo(200);
  }

  /** Why the answer breaks the contract, or null. */
  private String problem(Case c, Answer a) {
    if (a.status() < 0) {
      return "no answer: " + a.text();
    }
    if (a.text().contains(dir.toString()) || a.text().contains(dir.getFileName().toString())) {
      return a.status() + " shows a server path: " + preview(a.text());
    }
    if (c.control()) {
      return a.status() == 200 ? null : "the unmodified payload was refused: " + a.status() + " " + preview(a.text());
    }
    if (a.status() >= 500 || a.status() < 200) {
      return "answered " + a.status() + ": " + preview(a.text());
    }
    if (a.status() < 300) {
      return null;
    }
    if (a.text().isBlank()) {
      return "answered " + a.status() + " without a message";
    }
    if (a.contentType() != null && a.contentType().startsWith("application/json")) {
      try {
        JsonNode message = JSON.readTree(a.text()).get("message");
        if (message == null || !message.isTextual() || message.asText().isBlank()) {
          return "answered " + a.status() + " with a JSON error without a message: " + preview(a.text());
        }
      } catch (IOException e) {
        return "answered " + a.status() + " with JSON that does not parse: " + preview(a.text());
      }
    }
    return null;
  }

  private Answer send(Case c) throws InterruptedException {
    if (c.call() instanceof Grpc g) {
      Metadata md = new Metadata();
      for (int i = 0; i < g.metadata().size(); i += 2) {
        md.put(Metadata.Key.of(g.metadata().get(i), Metadata.ASCII_STRING_MARSHALLER), g.metadata().get(i + 1));
      }
      try {
        ClientCalls.blockingUnaryCall(
            ClientInterceptors.intercept(server.grpcChannel(), MetadataUtils.newAttachHeadersInterceptor(md)), GRPC_PUSH,
            CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS), g.message());
        return new Answer(200, null, "");
      } catch (StatusRuntimeException e) {
        String description = e.getStatus().getDescription();
        return new Answer(ErrorCode.fromGrpc(e.getStatus().getCode()).httpStatus(), null,
            e.getStatus().getCode() + (description == null ? "" : ": " + description));
      }
    }
    Http h = (Http) c.call();
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + h.pathAndQuery()))
        .method(h.method(), HttpRequest.BodyPublishers.ofByteArray(h.body())).timeout(Duration.ofSeconds(60));
    for (int i = 0; i < h.headers().size(); i += 2) {
      b.header(h.headers().get(i), h.headers().get(i + 1));
    }
    try {
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null),
          new String(r.body(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Answer(-1, null, e.toString());
    }
  }

  private static String preview(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "...";
  }
}
