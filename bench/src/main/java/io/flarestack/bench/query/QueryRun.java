package io.flarestack.bench.query;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.types.v1.LabelValuesRequest;
import io.flarestack.api.types.v1.LabelValuesResponse;
import io.flarestack.bench.fleet.Fleet;
import io.flarestack.bench.fleet.Kind;
import io.flarestack.bench.fleet.Planned;
import io.flarestack.bench.fleet.Upload;
import io.flarestack.bench.fleet.Uploads;
import io.flarestack.bench.fleet.Workload;
import io.flarestack.bench.load.Target;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Runs the query suite against a server and prints latency percentiles per query: one first run
 * (reported apart: the first query after ingest, "cold" only if the server was just restarted),
 * then {@code runs} timed runs spread over {@code concurrency} threads. Q10 pushes a marker
 * profile of a fresh service and polls its flame graph until it is visible.
 */
public final class QueryRun {
  /**
   * @param queries ids to run (empty: all, Q10 included)
   * @param endMillis end of every range (0: now)
   */
  public record Options(String url, String tenant, String service, int runs, int concurrency, long endMillis,
      List<String> queries, int markerRuns, long seed) {
    public Options {
      requireNonNull(url, "url is null");
      requireNonNull(service, "service is null");
      requireNonNull(queries, "queries is null");
      if (runs < 1 || concurrency < 1) {
        throw new IllegalArgumentException("runs and concurrency must be >= 1, got " + runs + ", " + concurrency);
      }
    }
  }

  private final Options o;
  private final PrintStream out;
  private final Target target;

  public QueryRun(Options options, PrintStream out) {
    this.o = requireNonNull(options, "options is null");
    this.out = requireNonNull(out, "out is null");
    this.target = new Target(o.url(), o.tenant(), Duration.ofSeconds(120));
  }

  public void run() throws Exception {
    long end = o.endMillis() > 0 ? o.endMillis() : System.currentTimeMillis();
    String pod = firstPod(end);
    out.printf("queries: service %s, pod %s, end %s, %d runs at concurrency %d%n", o.service(), pod,
        Instant.ofEpochMilli(end), o.runs(), o.concurrency());
    out.printf("%-5s %-58s %6s %9s %9s %9s %9s %9s %12s %s%n", "id", "query", "runs", "first ms", "p50 ms", "p95 ms",
        "p99 ms", "max ms", "answer", "errors");
    for (Query q : Queries.suite(o.service(), pod, end)) {
      if (!o.queries().isEmpty() && !o.queries().contains(q.id()) && !o.queries().contains(q.id().split("\\.")[0])) {
        continue;
      }
      runOne(q);
    }
    if (o.queries().isEmpty() || o.queries().contains("Q10")) {
      timeToQueryable();
    }
  }

  private String firstPod(long end) {
    LabelValuesRequest req = LabelValuesRequest.newBuilder().setName("pod")
        .addMatchers("{service_name=\"" + o.service() + "\"}").setStart(end - Queries.HOUR).setEnd(end).build();
    Target.Result r = target.post("/querier.v1.QuerierService/LabelValues", "application/proto", req.toByteArray());
    try {
      if (r.ok()) {
        LabelValuesResponse v = LabelValuesResponse.parseFrom(r.body());
        return v.getNamesCount() == 0 ? null : v.getNames(0);
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return null;
    }
    return null;
  }

  private void runOne(Query q) throws Exception {
    byte[] body = q.request().toByteArray();
    Target.Result first = target.post(q.path(), "application/proto", body);
    Histogram h = new Histogram(600_000_000L, 3);
    TreeMap<Integer, Long> errors = new TreeMap<>();
    AtomicLong size = new AtomicLong(first.ok() ? sizeOf(q, first) : -1);
    ExecutorService pool = Executors.newFixedThreadPool(o.concurrency());
    try {
      List<Future<?>> fs = new ArrayList<>();
      AtomicLong left = new AtomicLong(o.runs());
      for (int t = 0; t < o.concurrency(); t++) {
        fs.add(pool.submit(() -> {
          while (left.getAndDecrement() > 0) {
            Target.Result r = target.post(q.path(), "application/proto", body);
            synchronized (h) {
              h.recordValue(Math.max(1, r.nanos() / 1000));
              if (!r.ok()) {
                errors.merge(r.status(), 1L, Long::sum);
              }
            }
            if (r.ok()) {
              size.set(sizeOf(q, r));
            }
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    if (!first.ok()) {
      errors.merge(first.status(), 1L, Long::sum);
    }
    out.printf("%-5s %-58s %6d %9.1f %9.1f %9.1f %9.1f %9.1f %12s %s%n", q.id(), trim(q.description(), 58),
        h.getTotalCount(), first.nanos() / 1e6, h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(95) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0, size.get() == 0 ? "EMPTY" : size.get(),
        errors.isEmpty() ? "" : errors + (first.ok() ? "" : " first: " + firstError(first)));
  }

  private static String firstError(Target.Result r) {
    String s = r.error() != null ? r.error() : new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    return s.length() > 200 ? s.substring(0, 200) : s;
  }

  private static long sizeOf(Query q, Target.Result r) {
    try {
      return q.size().of(r.body());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return -2;
    }
  }

  // Q10: push a profile of a service nobody else writes, then poll its flame graph until non-empty.
  private void timeToQueryable() {
    Workload w = new Workload("Q10", 1, 1, Duration.ofSeconds(15), Workload.DEPLOY_EVERY, 0);
    Fleet fleet = new Fleet(w, o.seed());
    Uploads uploads = Uploads.fromTestData(fleet);
    Histogram visible = new Histogram(600_000_000L, 3);
    Histogram push = new Histogram(600_000_000L, 3);
    int failed = 0;
    for (int i = 0; i < o.markerRuns(); i++) {
      long now = System.currentTimeMillis();
      Upload base = uploads.make(new Planned(i, fleet.pods().get(0), Kind.GO_CPU, now * 1_000_000L));
      var labels = new TreeMap<>(base.labels());
      String service = "marker-" + o.seed() + "-" + now + "-" + i;
      labels.put("service_name", service);
      Upload u = new Upload(base.planned(), labels, base.metricName(), base.spyName(), base.body(), base.rawBytes(),
          base.durationNanos());
      Target.Result r = target.push(u, o.seed());
      long acked = System.nanoTime();
      if (!r.ok()) {
        failed++;
        continue;
      }
      push.recordValue(Math.max(1, r.nanos() / 1000));
      Query q = Queries.flame("Q10", "", "{service_name=\"" + service + "\"}", now - 300_000, now + 60_000);
      byte[] body = q.request().toByteArray();
      long deadline = acked + 30_000_000_000L;
      boolean seen = false;
      while (System.nanoTime() < deadline) {
        Target.Result qr = target.post(q.path(), "application/proto", body);
        if (qr.ok() && sizeOf(q, qr) > 0) {
          seen = true;
          break;
        }
        LockSupport.parkNanos(2_000_000L);
      }
      if (seen) {
        visible.recordValue(Math.max(1, (System.nanoTime() - acked) / 1000));
      } else {
        failed++;
      }
    }
    out.printf("%-5s %-58s %6d %9s %9.1f %9.1f %9.1f %9.1f %12s %s%n", "Q10",
        "time to queryable: push ack -> flame graph non-empty", visible.getTotalCount(), "-",
        visible.getValueAtPercentile(50) / 1000.0, visible.getValueAtPercentile(95) / 1000.0,
        visible.getValueAtPercentile(99) / 1000.0, visible.getMaxValue() / 1000.0,
        "push p50 " + String.format("%.1f", push.getValueAtPercentile(50) / 1000.0), failed == 0 ? "" : failed + " failed");
  }

  private static String trim(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "~";
  }
}
