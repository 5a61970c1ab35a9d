package io.flarestack.bench.load;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.querier.v1.SelectSeriesRequest;
import io.flarestack.api.querier.v1.SelectSeriesResponse;
import io.flarestack.api.types.v1.Point;
import io.flarestack.api.types.v1.Series;
import io.flarestack.bench.fleet.Fleet;
import io.flarestack.bench.fleet.Kind;
import io.flarestack.bench.fleet.Planned;
import io.flarestack.bench.fleet.Upload;
import io.flarestack.bench.fleet.Uploads;
import io.flarestack.bench.fleet.Workload;
import io.flarestack.bench.query.Queries;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.GZIPInputStream;
import org.HdrHistogram.Histogram;

/**
 * Time to queryable: pushes one Go CPU profile under a service name nobody else uses to one URL
 * (a distributor), then polls another (a querier) with {@code SelectSeries} until the series' sum
 * equals the profile's own CPU total, computed from the pprof itself: the profile is then counted,
 * and counted once (a sum above it is a replica counted twice, reported apart). Probes run one
 * after another, each after the previous is seen or has timed out. The result's resolution is the
 * pause between polls plus one query's latency. Not thread-safe; run one per instance.
 */
public final class ProbeRun {
  /**
   * @param pushUrl where probes are pushed (a distributor or the single binary)
   * @param queryUrl where they are looked for (a querier or the single binary)
   * @param probes number of probes
   * @param pause pause between two polls of one probe
   * @param timeout a probe not counted after this is a failure
   */
  public record Options(String pushUrl, String queryUrl, String tenant, long seed, int probes, Duration pause,
      Duration timeout) {
    public Options {
      requireNonNull(pushUrl, "pushUrl is null");
      requireNonNull(queryUrl, "queryUrl is null");
      requireNonNull(pause, "pause is null");
      requireNonNull(timeout, "timeout is null");
      if (probes < 1) {
        throw new IllegalArgumentException("--probes must be >= 1, got " + probes);
      }
      if (pause.isNegative() || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("--pause must be >= 0 and --timeout > 0, got " + pause + ", " + timeout);
      }
    }
  }

  /** What the probes saw: latencies in microseconds from the push's answer to the exact count. */
  public record Result(Histogram visible, Histogram push, int pushFailed, int timedOut, int overCounted,
      long polls) {}

  private final Options o;
  private final PrintStream out;

  public ProbeRun(Options options, PrintStream out) {
    this.o = requireNonNull(options, "options is null");
    this.out = requireNonNull(out, "out is null");
  }

  public Result run() {
    Target pushTo = new Target(o.pushUrl(), o.tenant(), Duration.ofSeconds(30));
    Target queryAt = new Target(o.queryUrl(), o.tenant(), Duration.ofSeconds(30));
    Workload w = new Workload("probe", 1, 1, Duration.ofSeconds(15), Workload.DEPLOY_EVERY, 0);
    Fleet fleet = new Fleet(w, o.seed());
    Uploads uploads = Uploads.fromTestData(fleet);
    Histogram visible = new Histogram(600_000_000L, 3);
    Histogram push = new Histogram(600_000_000L, 3);
    int pushFailed = 0;
    int timedOut = 0;
    int overCounted = 0;
    long polls = 0;
    long runId = System.currentTimeMillis();
    out.printf("probe: %d probes, push %s, query %s (SelectSeries until the probe's CPU total is counted once),"
        + " pause %d ms between polls%n", o.probes(), pushTo.base(), queryAt.base(), o.pause().toMillis());
    for (int i = 0; i < o.probes(); i++) {
      long now = System.currentTimeMillis();
      Upload base = uploads.make(new Planned(i, fleet.pods().get(0), Kind.GO_CPU, now * 1_000_000L));
      String service = "probe-" + o.seed() + "-" + runId + "-" + i;
      var labels = new TreeMap<>(base.labels());
      labels.put("service_name", service);
      Upload u = new Upload(base.planned(), labels, base.metricName(), base.spyName(), base.body(), base.rawBytes(),
          base.durationNanos());
      long expected = cpuTotal(u.body());
      Target.Result r = pushTo.push(u, o.seed() + runId);
      long acked = System.nanoTime();
      if (!r.ok()) {
        pushFailed++;
        continue;
      }
      push.recordValue(Math.max(1, r.nanos() / 1000));
      byte[] query = SelectSeriesRequest.newBuilder().setProfileTypeID(Queries.CPU)
          .setLabelSelector("{service_name=\"" + service + "\"}").setStart(now - 300_000).setEnd(now + 60_000)
          .setStep(15).build().toByteArray();
      long deadline = acked + o.timeout().toNanos();
      boolean seen = false;
      boolean over = false;
      while (System.nanoTime() < deadline) {
        Target.Result q = queryAt.post("/querier.v1.QuerierService/SelectSeries", "application/proto", query);
        polls++;
        if (q.ok()) {
          long sum = sum(q.body());
          if (sum == expected) {
            seen = true;
            break;
          }
          if (sum > expected) {
            over = true;
            break;
          }
        }
        LockSupport.parkNanos(o.pause().toNanos());
      }
      long took = System.nanoTime() - acked;
      if (seen) {
        visible.recordValue(Math.max(1, took / 1000));
      } else if (over) {
        overCounted++;
      } else {
        timedOut++;
      }
    }
    Result res = new Result(visible, push, pushFailed, timedOut, overCounted, polls);
    out.printf("probe: %d counted exactly; push failed %d, not counted within %d s %d, counted more than once %d;"
            + " %d polls%n", visible.getTotalCount(), pushFailed, o.timeout().toSeconds(), timedOut, overCounted, polls);
    out.printf("time to queryable (push answer -> counted): p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms"
            + " (resolution: %d ms pause + one SelectSeries)%n", visible.getValueAtPercentile(50) / 1000.0,
        visible.getValueAtPercentile(90) / 1000.0, visible.getValueAtPercentile(99) / 1000.0,
        visible.getMaxValue() / 1000.0, o.pause().toMillis());
    out.printf("probe push latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", push.getValueAtPercentile(50) / 1000.0,
        push.getValueAtPercentile(99) / 1000.0, push.getMaxValue() / 1000.0);
    return res;
  }

  /** Sum of every point of every series of a {@code SelectSeries} answer (an unparsable one is -1). */
  static long sum(byte[] body) {
    try {
      long s = 0;
      for (Series series : SelectSeriesResponse.parseFrom(body).getSeriesList()) {
        for (Point p : series.getPointsList()) {
          s += Math.round(p.getValue());
        }
      }
      return s;
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return -1;
    }
  }

  /** The total of a gzipped pprof's {@code cpu/nanoseconds} sample type, read from the profile itself. */
  public static long cpuTotal(byte[] gzippedPprof) {
    Profile p;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzippedPprof))) {
      p = Profile.parseFrom(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int index = -1;
    for (int i = 0; i < p.getSampleTypeCount(); i++) {
      String type = p.getStringTable((int) p.getSampleType(i).getType());
      String unit = p.getStringTable((int) p.getSampleType(i).getUnit());
      if (type.equals("cpu") && unit.equals("nanoseconds")) {
        index = i;
      }
    }
    if (index < 0) {
      throw new IllegalArgumentException("the profile has no cpu/nanoseconds sample type");
    }
    long total = 0;
    for (var s : p.getSampleList()) {
      total += s.getValue(index);
    }
    return total;
  }
}
