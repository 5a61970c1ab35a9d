package io.flarestack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.bench.fleet.Kind;
import io.flarestack.bench.fleet.Workload;
import io.flarestack.bench.load.IngestOptions;
import io.flarestack.bench.load.IngestRun;
import io.flarestack.bench.load.ProbeRun;
import io.flarestack.bench.load.ServerMetrics;
import io.flarestack.bench.load.Stats;
import io.flarestack.bench.load.Target;
import io.flarestack.bench.query.QueryRun;
import io.flarestack.common.testing.Poll;
import io.flarestack.server.BuildInfo;
import io.flarestack.server.Flarestack;
import io.flarestack.server.FlarestackConfig;
import io.flarestack.server.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The load generator and the query suite against the real single binary, started in-process. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoadGenIT {
  private Flarestack app;
  private String url;

  @BeforeAll
  void start() throws Exception {
    FlarestackConfig config = FlarestackConfig.load(List.of("-server.http-listen-port=0",
        "-server.grpc-listen-port=0", "-distributor.ingestion-rate-limit-mb=1000",
        "-distributor.ingestion-burst-size-mb=1000"), Map.of());
    app = new Flarestack(config, Main.newRegistry(BuildInfo.load()), Clock.systemUTC(), BuildInfo.load());
    app.start();
    url = "http://127.0.0.1:" + app.httpPort();
    Target t = new Target(url, null, Duration.ofSeconds(30));
    Poll.until("the server to answer 200 on /ready", Duration.ofSeconds(30), () -> t.get("/ready").status(),
        status -> status == 200);
  }

  @AfterAll
  void stop() {
    if (app != null) {
      app.stop();
    }
  }

  // The head's gauges exist from the tenant's first push on.
  private static double zeroIfAbsent(double v) {
    return Double.isNaN(v) ? 0 : v;
  }

  private ServerMetrics metrics() {
    return ServerMetrics.scrape(new Target(url, null, Duration.ofSeconds(30)));
  }

  @Test
  void javaPodsSendTheRealJfrRecordingsWhenTheServerAcceptsThem() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ServerMetrics before = metrics();
    // One minute of svc-11 (Java): 4 rounds x 5 pods, JFR probed first.
    IngestOptions o = new IngestOptions(url, null, Workload.W_S, 5, Duration.ofMinutes(1), false,
        Duration.ofMinutes(-1), "mixed", "auto", 4, Duration.ofSeconds(1), Set.of("svc-11"), Set.of());
    Stats s = new IngestRun(o, new PrintStream(buf, true, StandardCharsets.UTF_8)).run();
    String report = buf.toString(StandardCharsets.UTF_8);
    assertThat(report).contains("the server accepts format=jfr");
    assertThat(s.failed()).as(report).isZero();
    assertThat(s.accepted(Kind.JAVA_JFR)).isEqualTo(20);
    // every recording has CPU samples, so each upload (and the probe) adds at least one profile row
    assertThat(metrics().headProfiles() - zeroIfAbsent(before.headProfiles())).isGreaterThanOrEqualTo(21);
  }

  @Test
  void backfillsTwoServicesAndEveryUploadIsStoredThenTheQueriesAnswer() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    ServerMetrics before = metrics();
    long startedMs = System.currentTimeMillis();
    // Two minutes of svc-7 (Go: cpu + heap) and svc-8 (Java, as pprof), as fast as possible, both protocols.
    IngestOptions o = new IngestOptions(url, null, Workload.W_S, 3, Duration.ofMinutes(2), false,
        Duration.ofMinutes(-2), "mixed", "off", 4, Duration.ofSeconds(1), Set.of("svc-7", "svc-8"), Set.of());
    Stats s = new IngestRun(o, out).run();
    String report = buf.toString(StandardCharsets.UTF_8);

    // 2 min = 8 rounds; 5 Go pods x (cpu + heap) + 5 Java pods x 1
    assertThat(s.failed()).as(report).isZero();
    assertThat(s.accepted(Kind.GO_CPU)).isEqualTo(40);
    assertThat(s.accepted(Kind.GO_HEAP)).isEqualTo(40);
    assertThat(s.accepted(Kind.JAVA_CPU)).isEqualTo(40);
    assertThat(report).contains("120 planned, 120 accepted, 0 failed").contains("errors by status: {}");
    // Rows: Go CPU has 2 sample types, the Go heap 4 (sent as delta), Java CPU 1.
    ServerMetrics m = metrics();
    assertThat(m.headProfiles() - zeroIfAbsent(before.headProfiles())).isEqualTo(40 * 2 + 40 * 4 + 40 * 1);
    // One head series per pod and sample type in each hourly head window the two minutes touch:
    // one window, or two when the backfill crossed an hour boundary.
    long hour = Duration.ofHours(1).toMillis();
    boolean oneWindow = (startedMs - Duration.ofMinutes(2).toMillis()) / hour == System.currentTimeMillis() / hour;
    double perWindow = 5 * 2 + 5 * 4 + 5 * 1;
    double series = m.series() - zeroIfAbsent(before.series());
    if (oneWindow) {
      assertThat(series).as("series: one per pod and sample type").isEqualTo(perWindow);
    } else {
      assertThat(series).as("series: one per pod and sample type and window").isIn(perWindow, 2 * perWindow);
    }

    ByteArrayOutputStream qbuf = new ByteArrayOutputStream();
    new QueryRun(new QueryRun.Options(url, null, "svc-7", 2, 2, 0, List.of(), 2, 3),
        new PrintStream(qbuf, true, StandardCharsets.UTF_8)).run();
    String queries = qbuf.toString(StandardCharsets.UTF_8);
    for (String id : List.of("Q1 ", "Q2 ", "Q3 ", "Q4 ", "Q5 ", "Q6.1", "Q6.2", "Q6.3", "Q6.4", "Q7 ", "Q8 ", "Q9.1",
        "Q9.2", "Q10")) {
      assertThat(queries).as(queries).containsPattern("(?m)^" + id.strip() + " .*");
    }
    assertThat(queries).as(queries).doesNotContain("EMPTY").doesNotContain("failed").doesNotContainPattern("\\{\\d+=");
  }

  @Test
  void probesAreCountedExactlyOnceWithTheirOwnCpuTotal() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    // The probe stops polling when SelectSeries sums to the pprof's own cpu/nanoseconds total.
    ProbeRun.Result r = new ProbeRun(new ProbeRun.Options(url, url, null, 9, 5, Duration.ofMillis(5),
        Duration.ofSeconds(30)), new PrintStream(buf, true, StandardCharsets.UTF_8)).run();
    String report = buf.toString(StandardCharsets.UTF_8);
    assertThat(r.visible().getTotalCount()).as(report).isEqualTo(5);
    assertThat(r.pushFailed() + r.timedOut() + r.overCounted()).as(report).isZero();
    assertThat(r.polls()).isGreaterThanOrEqualTo(5);
    assertThat(report).contains("5 counted exactly").contains("resolution: 5 ms pause");
  }

  @Test
  void theRequestLogHasOneLinePerRequestWithItsStatus(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("requests.log");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    // One minute of svc-9 (Go: cpu + heap), 4 rounds x 5 pods x 2 kinds = 40 uploads.
    IngestOptions o = new IngestOptions(url, null, Workload.W_S, 7, Duration.ofMinutes(1), false,
        Duration.ofMinutes(-1), "push", "off", 2, Duration.ofSeconds(1), Set.of("svc-9"), Set.of());
    long before = System.currentTimeMillis();
    try (PrintStream requests = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
      Stats s = new IngestRun(o, new PrintStream(buf, true, StandardCharsets.UTF_8), requests).run();
      assertThat(s.failed()).as(buf.toString(StandardCharsets.UTF_8)).isZero();
    }
    long after = System.currentTimeMillis();
    List<String> lines = Files.readAllLines(log);
    assertThat(lines).hasSize(40);
    for (String line : lines) {
      String[] f = line.split(" ");
      assertThat(f).hasSize(3);
      assertThat(Long.parseLong(f[0])).isBetween(before - 1, after);
      assertThat(Double.parseDouble(f[1])).isGreaterThanOrEqualTo(0);
      assertThat(f[2]).isEqualTo("200");
    }
  }
}
