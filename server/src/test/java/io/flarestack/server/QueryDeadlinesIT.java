package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Line;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.google.v1.ValueType;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.PushResponse;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.api.push.v1.RawSample;
import io.flarestack.api.querier.v1.QuerierServiceGrpc;
import io.flarestack.api.querier.v1.SelectMergeStacktracesRequest;
import io.flarestack.api.types.v1.LabelNamesRequest;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.common.model.Matcher;
import io.flarestack.common.testing.Poll;
import io.flarestack.server.testing.TestServer;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Queries that would run for a long time on real data stop when their deadline passes or their
 * client goes away, and the querier runs a bounded number at once.
 *
 * <p>The slow query: many series, each with a long label value, selected by a selector of many
 * regular-expression matchers that all match, so the ingester evaluates every matcher on every
 * series. How many series it takes to make that query last about {@link #QUERY_CPU} of CPU is
 * computed here from the measured cost of one match (with the server's own {@link Matcher}
 * class, in this JVM), so the query is known to outlast every wait below by far. The server runs
 * in this JVM; "its query threads stop" is measured as the CPU time of all threads named
 * {@code flarestack-*} (HTTP workers, gRPC executor, fan-out), which must grow by less than
 * {@link #IDLE_CPU} over one second, within a deadline after the cancel.
 */
@Timeout(900)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryDeadlinesIT {
  private static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
  private static final int MATCHERS = 1000;
  private static final int VALUE_LENGTH = 2000;
  private static final Duration QUERY_CPU = Duration.ofSeconds(60);
  private static final Duration IDLE_CPU = Duration.ofMillis(50);
  private static final Duration STOP_DEADLINE = Duration.ofSeconds(10);

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private TestServer server; // -querier.max-concurrent=1 -querier.max-queued-queries=1, default timeout (2m)
  private TestServer timeoutServer; // -querier.query-timeout=2s
  private String selector;
  private long now;

  @BeforeAll
  void start() throws Exception {
    assertThat(threads.isThreadCpuTimeSupported()).isTrue();
    threads.setThreadCpuTimeEnabled(true);
    now = System.currentTimeMillis();
    StringBuilder sel = new StringBuilder("{service_name=\"slow\"");
    for (int i = 0; i < MATCHERS; i++) {
      sel.append(",long=~\"[a-z]+|").append(i).append('"'); // every one matches a value of letters
    }
    selector = sel.append('}').toString();
    int series = seriesForQueryCpu();
    server = TestServer.start("-querier.max-concurrent=1", "-querier.max-queued-queries=1",
        "-distributor.ingestion-rate-limit-mb=1000", "-distributor.ingestion-burst-size-mb=1000");
    timeoutServer = TestServer.start("-querier.query-timeout=2s",
        "-distributor.ingestion-rate-limit-mb=1000", "-distributor.ingestion-burst-size-mb=1000");
    push(server, series);
    push(timeoutServer, series);
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
    if (timeoutServer != null) {
      timeoutServer.close();
    }
  }

  /** Series needed for the slow query to take {@link #QUERY_CPU}: measured per match, here. */
  private int seriesForQueryCpu() {
    Matcher m = Matcher.of("long", Matcher.Type.REGEX, "[a-z]+|7");
    String value = value(12345);
    int n = 4000;
    for (int i = 0; i < n; i++) {
      assertThat(m.matches(value)).isTrue(); // warm up the regular expression code
    }
    long start = threads.getCurrentThreadCpuTime();
    for (int i = 0; i < n; i++) {
      m.matches(value);
    }
    double nanosPerMatch = Math.max(1, (threads.getCurrentThreadCpuTime() - start) / (double) n);
    long series = (long) Math.ceil(QUERY_CPU.toNanos() / (nanosPerMatch * MATCHERS));
    return (int) Math.min(Math.max(series, 200), 50_000);
  }

  /** A label value of lowercase letters, distinct per series. */
  private static String value(int seq) {
    StringBuilder sb = new StringBuilder(VALUE_LENGTH);
    for (int s = seq; sb.length() < 8; s /= 26) {
      sb.append((char) ('a' + s % 26));
    }
    while (sb.length() < VALUE_LENGTH) {
      sb.append('q');
    }
    return sb.toString();
  }

  private void push(TestServer target, int series) throws Exception {
    byte[] pprof = Profile.newBuilder()
        .addStringTable("").addStringTable("cpu").addStringTable("nanoseconds").addStringTable("main")
        .addSampleType(ValueType.newBuilder().setType(1).setUnit(2))
        .setPeriodType(ValueType.newBuilder().setType(1).setUnit(2)).setPeriod(10_000_000)
        .addFunction(Function.newBuilder().setId(1).setName(3))
        .addLocation(Location.newBuilder().setId(1).addLine(Line.newBuilder().setFunctionId(1)))
        .addSample(Sample.newBuilder().addLocationId(1).addValue(10_000_000))
        .setTimeNanos(now * 1_000_000L).build().toByteArray();
    int batch = 500;
    for (int from = 0; from < series; from += batch) {
      PushRequest.Builder req = PushRequest.newBuilder();
      for (int i = from; i < Math.min(series, from + batch); i++) {
        req.addSeries(RawProfileSeries.newBuilder()
            .addLabels(LabelPair.newBuilder().setName("__name__").setValue("process_cpu"))
            .addLabels(LabelPair.newBuilder().setName("service_name").setValue("slow"))
            .addLabels(LabelPair.newBuilder().setName("long").setValue(value(i)))
            .addSamples(RawSample.newBuilder().setRawProfile(ByteString.copyFrom(pprof))));
      }
      target.connect("/push.v1.PusherService/Push", req.build(), PushResponse.parser());
    }
  }

  private byte[] slowQuery() {
    return SelectMergeStacktracesRequest.newBuilder().setProfileTypeID(CPU).setLabelSelector(selector)
        .setStart(now - 3_600_000).setEnd(now + 60_000).build().toByteArray();
  }

  @Test
  void aShortClientDeadlineAnswersDeadlineExceededAndTheQueryStops() throws Exception {
    awaitIdle("before the query");
    HttpResponse<byte[]> r = server.post("/querier.v1.QuerierService/SelectMergeStacktraces", "application/proto",
        slowQuery(), "Connect-Timeout-Ms", "1000");
    assertThat(r.statusCode()).as(TestServer.text(r)).isEqualTo(504);
    assertThat(TestServer.text(r)).contains("\"code\":\"deadline_exceeded\"");
    awaitIdle("after the client's deadline");
  }

  @Test
  void aClientThatDisconnectsMidQueryStopsTheServersWork() throws Exception {
    awaitIdle("before the query");
    try (Socket client = new Socket("127.0.0.1", server.httpPort())) {
      byte[] body = slowQuery();
      send(client, "POST /querier.v1.QuerierService/SelectMergeStacktraces HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Type: application/proto\r\nContent-Length: " + body.length + "\r\n\r\n", body);
      awaitBusy("the Connect query");
    } // the client hangs up
    awaitIdle("after the client disconnected");
  }

  @Test
  void aLegacyRenderWhoseClientDisconnectsStopsTheServersWork() throws Exception {
    awaitIdle("before the query");
    String query = URLEncoder.encode(CPU + selector, StandardCharsets.UTF_8);
    try (Socket client = new Socket("127.0.0.1", server.httpPort())) {
      send(client, "GET /pyroscope/render?from=now-1h&until=now%2B1m&query=" + query + " HTTP/1.1\r\n"
          + "Host: localhost\r\n\r\n", new byte[0]);
      awaitBusy("the render query");
    }
    awaitIdle("after the client disconnected");
  }

  @Test
  void theQueryTimeoutAloneStopsAQueryWhoseClientSetNoDeadline() throws Exception {
    awaitIdle("before the Connect query");
    HttpResponse<byte[]> r = timeoutServer.post("/querier.v1.QuerierService/SelectMergeStacktraces",
        "application/proto", slowQuery());
    assertThat(r.statusCode()).as(TestServer.text(r)).isEqualTo(504);
    assertThat(TestServer.text(r)).contains("\"code\":\"deadline_exceeded\"").contains("-querier.query-timeout")
        .contains("2s");
    awaitIdle("after the query timeout (Connect)");

    StatusRuntimeException grpc = catchThrowableOfType(StatusRuntimeException.class,
        () -> QuerierServiceGrpc.newBlockingStub(
        timeoutServer.grpcChannel()).selectMergeStacktraces(SelectMergeStacktracesRequest.parseFrom(slowQuery())));
    assertThat(grpc.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(grpc.getStatus().getDescription()).contains("-querier.query-timeout");
    awaitIdle("after the query timeout (gRPC)");
    assertThat(metric(timeoutServer, "pyroscope_querier_query_timeouts_total")).isEqualTo(2);
  }

  @Test
  void withOneSlotASecondQueryWaitsAThirdIsRejectedWith429AndALeavingOneIsDropped() throws Exception {
    awaitIdle("before the queries");
    await(() -> metric(server, "pyroscope_querier_queries_in_progress") == 0, "no query to run");
    CompletableFuture<HttpResponse<String>> second;
    try (Socket held = new Socket("127.0.0.1", server.httpPort())) {
      byte[] body = slowQuery();
      send(held, "POST /querier.v1.QuerierService/SelectMergeStacktraces HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Type: application/proto\r\nContent-Length: " + body.length + "\r\n\r\n", body);
      await(() -> metric(server, "pyroscope_querier_queries_in_progress") == 1, "the slow query to run");

      // A queued query whose client leaves is dropped from the queue.
      double cancelledBefore = metric(server, "pyroscope_querier_cancelled_requests_total");
      try (Socket leaves = new Socket("127.0.0.1", server.httpPort())) {
        send(leaves, "POST /querier.v1.QuerierService/LabelNames HTTP/1.1\r\nHost: localhost\r\n"
            + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n", "{}".getBytes(StandardCharsets.UTF_8));
        await(() -> metric(server, "pyroscope_querier_queue_length") == 1, "the leaving query to queue");
      }
      await(() -> metric(server, "pyroscope_querier_queue_length") == 0,
          "the queue to drop the query whose client left");
      assertThat(metric(server, "pyroscope_querier_cancelled_requests_total")).isEqualTo(cancelledBefore + 1);

      second = http.sendAsync(labelNames(), HttpResponse.BodyHandlers.ofString());
      await(() -> metric(server, "pyroscope_querier_queue_length") == 1, "the second query to queue");
      assertThat(second).isNotDone();

      HttpResponse<String> third = http.send(labelNames(), HttpResponse.BodyHandlers.ofString());
      assertThat(third.statusCode()).as(third.body()).isEqualTo(429);
      assertThat(third.body()).contains("\"code\":\"resource_exhausted\"").contains("-querier.max-concurrent=1");

      HttpResponse<byte[]> legacy = server.get("/pyroscope/label-values?label=service_name");
      assertThat(legacy.statusCode()).as(TestServer.text(legacy)).isEqualTo(429);
      assertThat(TestServer.text(legacy)).contains("-querier.max-concurrent=1");

      // The marker of in-process calls made by legacy requests is not honoured from outside.
      Metadata marker = new Metadata();
      marker.put(Metadata.Key.of("x-flarestack-admitted-query", Metadata.ASCII_STRING_MARSHALLER), "1");
      StatusRuntimeException grpc = catchThrowableOfType(StatusRuntimeException.class,
          () -> QuerierServiceGrpc.newBlockingStub(server.grpcChannel())
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(marker))
          .labelNames(LabelNamesRequest.getDefaultInstance()));
      assertThat(grpc.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(second).isNotDone();
      assertThat(metric(server, "pyroscope_querier_discarded_requests_total{reason=\"queue_full\"}")).isEqualTo(3);
    } // the slow query's client hangs up: its slot goes to the second query
    HttpResponse<String> answered = second.get(60, TimeUnit.SECONDS);
    assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
    await(() -> metric(server, "pyroscope_querier_queries_in_progress") == 0, "the slots to be free");
    awaitIdle("after the queries");
  }

  private HttpRequest labelNames() {
    return HttpRequest.newBuilder(URI.create(server.baseUrl() + "/querier.v1.QuerierService/LabelNames"))
        .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
  }

  private static void send(Socket socket, String head, byte[] body) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  /** The CPU time used so far by the server's threads (every server in this JVM). */
  private long serverCpuNanos() {
    long sum = 0;
    long[] ids = threads.getAllThreadIds();
    ThreadInfo[] infos = threads.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] != null && infos[i].getThreadName().startsWith("flarestack-")) {
        long t = threads.getThreadCpuTime(ids[i]);
        if (t > 0) {
          sum += t;
        }
      }
    }
    return sum;
  }

  /** Waits until the server's threads have burnt a good part of a second on the query just sent. */
  private void awaitBusy(String what) {
    long start = serverCpuNanos();
    Poll.until(what + " to burn 300 ms of CPU", Duration.ofSeconds(60), Duration.ofMillis(20),
        () -> Duration.ofNanos(serverCpuNanos() - start), used -> used.compareTo(Duration.ofMillis(300)) > 0);
  }

  /**
   * Polls one-second windows until the server's threads use less than {@link #IDLE_CPU} in one,
   * failing after {@link #STOP_DEADLINE} (plus the one window that may be cut short at the end).
   */
  private void awaitIdle(String when) {
    CpuWindows windows = new CpuWindows();
    Poll.until("the server's threads to use less than " + IDLE_CPU.toMillis() + " ms of CPU in one second " + when,
        STOP_DEADLINE.plusSeconds(1), Duration.ofSeconds(1), windows::next,
        window -> window.whole() && window.cpu().compareTo(IDLE_CPU) < 0);
  }

  /** Successive windows of the server's CPU use: each call measures the time since the previous one. */
  private final class CpuWindows {
    private long cpuBefore = serverCpuNanos();
    private long before = System.nanoTime();

    CpuWindow next() {
      long cpu = serverCpuNanos();
      long now = System.nanoTime();
      CpuWindow w = new CpuWindow(Duration.ofNanos(cpu - cpuBefore), now - before >= TimeUnit.SECONDS.toNanos(1));
      cpuBefore = cpu;
      before = now;
      return w;
    }
  }

  /** The CPU the server's threads used in a window; {@code whole} when the window lasted a second or more. */
  private record CpuWindow(Duration cpu, boolean whole) {
    @Override
    public String toString() {
      return whole ? cpu.toMillis() + " ms of CPU in the last second" : "a window shorter than a second";
    }
  }

  private static final Pattern SAMPLE = Pattern.compile("^(\\S+) (\\S+)$", Pattern.MULTILINE);

  /** The value of one sample of the server's /metrics (name with labels as printed); -1 when absent. */
  private static double metric(TestServer target, String sample) {
    try {
      String text = TestServer.text(target.get("/metrics"));
      var m = SAMPLE.matcher(text);
      while (m.find()) {
        String name = m.group(1);
        if (name.equals(sample)) {
          return Double.parseDouble(m.group(2));
        }
      }
      return -1;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void await(BooleanSupplier condition, String what) {
    Poll.until(what, Duration.ofSeconds(60), Duration.ofMillis(20), condition::getAsBoolean, Boolean.TRUE::equals);
  }
}
