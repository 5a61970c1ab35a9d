package io.flarestack.bench.load;

import static java.util.Objects.requireNonNull;

import io.flarestack.bench.fleet.Fleet;
import io.flarestack.bench.fleet.Kind;
import io.flarestack.bench.fleet.Planned;
import io.flarestack.bench.fleet.Schedule;
import io.flarestack.bench.fleet.Upload;
import io.flarestack.bench.fleet.Uploads;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Runs a fleet against a server: one scheduler thread hands planned uploads to a queue (at their
 * time when paced), {@code concurrency} sender threads make each upload's bytes (mutation + gzip,
 * so generation scales with the senders) and send it, timing only the HTTP exchange. Prints a
 * progress line every few seconds and a summary at the end, including the server's CPU use from
 * its {@code process_cpu_seconds_total}, which gives MB/s per core of the server alone even when
 * the generator runs on the same machine.
 */
public final class IngestRun {
  private final IngestOptions o;
  private final PrintStream out;
  private final Target target;
  private final Stats stats = new Stats();
  private final AtomicLong maxLagNanos = new AtomicLong();
  private final AtomicLong planned = new AtomicLong();
  private volatile boolean stop;
  private final PrintStream requestLog;

  public IngestRun(IngestOptions options, PrintStream out) {
    this(options, out, null);
  }

  /**
   * @param requestLog when not null, one line per finished request, {@code startEpochMillis
   *     latencyMillis status} (status 0: no answer), for looking at a window such as a kill
   */
  public IngestRun(IngestOptions options, PrintStream out, PrintStream requestLog) {
    this.o = requireNonNull(options, "options is null");
    this.out = requireNonNull(out, "out is null");
    this.target = new Target(o.url(), o.tenant(), java.time.Duration.ofSeconds(60));
    this.requestLog = requestLog;
  }

  /** Runs to the end of the schedule or the duration, whichever is first; returns the stats. */
  public Stats run() throws InterruptedException {
    Fleet fleet = new Fleet(o.workload(), o.seed());
    Uploads uploads = Uploads.fromTestData(fleet);
    boolean jfr = resolveJfr(fleet, uploads);
    long runStartNanos = nowNanos();
    long from = runStartNanos + o.fromOffset().toNanos();
    long span = o.spanNanos();
    Schedule schedule = new Schedule(fleet, from, from + span, jfr, o.kinds(), o.services());
    out.printf("loadgen: %s seed=%d %d services x %d pods, interval %s, %s, schedule %s .. %s, protocol %s, JFR %s,"
            + " %d senders%n", o.workload().id(), o.seed(), o.workload().services(), o.workload().podsPerService(),
        o.workload().interval(), o.paced() ? "paced" : "as fast as possible", Instant.ofEpochSecond(0, from),
        Instant.ofEpochSecond(0, from + span), o.protocol(), jfr ? "on" : "off", o.concurrency());

    BlockingQueue<Planned> queue = new ArrayBlockingQueue<>(o.concurrency() * 4);
    Thread[] senders = new Thread[o.concurrency()];
    for (int i = 0; i < senders.length; i++) {
      senders[i] = new Thread(() -> send(queue, uploads), "loadgen-sender-" + i);
      senders[i].setDaemon(true);
      senders[i].start();
    }
    long wallStart = System.nanoTime();
    long deadline = wallStart + o.duration().toNanos();
    ServerMetrics before = ServerMetrics.scrape(target);
    long cpuBefore = ownCpuNanos();
    Thread scheduler = new Thread(() -> schedule(schedule, queue, wallStart, from, deadline), "loadgen-scheduler");
    scheduler.setDaemon(true);
    scheduler.start();

    Progress progress = new Progress(before, wallStart);
    long nextProgress = wallStart + o.progress().toNanos();
    while (scheduler.isAlive() || !queue.isEmpty() || busy(senders)) {
      long now = System.nanoTime();
      if (now >= deadline + 5_000_000_000L) {
        break; // senders stuck on slow requests past the deadline: report what we have
      }
      if (now >= nextProgress) {
        progress.print(ServerMetrics.scrape(target), now);
        nextProgress += o.progress().toNanos();
      }
      if (!scheduler.isAlive() && queue.isEmpty()) {
        for (int i = 0; i < senders.length; i++) {
          queue.offer(new Planned(-1, fleet.pods().get(0), Kind.GO_CPU, 0));
        }
      }
      LockSupport.parkNanos(100_000_000L);
    }
    stop = true;
    long wall = System.nanoTime() - wallStart;
    ServerMetrics after = ServerMetrics.scrape(target);
    summary(before, after, wall, ownCpuNanos() - cpuBefore);
    return stats;
  }

  private static boolean busy(Thread[] senders) {
    for (Thread t : senders) {
      if (t.isAlive()) {
        return true;
      }
    }
    return false;
  }

  private void schedule(Schedule schedule, BlockingQueue<Planned> queue, long wallStart, long from, long deadline) {
    Iterator<Planned> it = schedule.iterator();
    try {
      while (it.hasNext() && !stop && System.nanoTime() < deadline) {
        Planned p = it.next();
        if (o.paced()) {
          long due = wallStart + (p.timeNanos() - from);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            if (due > deadline) {
              return;
            }
            LockSupport.parkNanos(wait);
          } else {
            maxLagNanos.accumulateAndGet(-wait, Math::max);
          }
        }
        while (!queue.offer(p, 100, TimeUnit.MILLISECONDS)) {
          if (System.nanoTime() >= deadline) {
            return;
          }
        }
        planned.incrementAndGet();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void send(BlockingQueue<Planned> queue, Uploads uploads) {
    try {
      while (!stop) {
        Planned p = queue.poll(100, TimeUnit.MILLISECONDS);
        if (p == null) {
          continue;
        }
        if (p.seq() < 0) {
          return;
        }
        Upload u = uploads.make(p);
        Target.Result r = viaIngest(u) ? target.ingest(u) : target.push(u, o.seed());
        stats.record(r, u);
        if (requestLog != null) {
          long end = System.currentTimeMillis();
          synchronized (requestLog) {
            requestLog.printf("%d %.3f %d%n", end - r.nanos() / 1_000_000, r.nanos() / 1e6, r.status());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean viaIngest(Upload u) {
    return u.planned().kind().jfr() || o.protocol().equals("ingest")
        || (o.protocol().equals("mixed") && u.planned().pod().id() % 2 == 1);
  }

  private boolean resolveJfr(Fleet fleet, Uploads uploads) {
    if (o.jfr().equals("off")) {
      return false;
    }
    if (o.jfr().equals("on")) {
      return true;
    }
    Fleet.Pod javaPod = null;
    for (Fleet.Pod p : fleet.pods()) {
      if (p.language() == Fleet.Language.JAVA) {
        javaPod = p;
        break;
      }
    }
    if (javaPod == null) {
      return false;
    }
    Upload probe = uploads.make(new Planned(Long.MAX_VALUE, javaPod, Kind.JAVA_JFR, nowNanos()));
    Target.Result r = target.ingest(probe);
    if (r.ok()) {
      out.println("loadgen: the server accepts format=jfr: Java pods send JFR");
      return true;
    }
    out.printf("loadgen: the server answered %d to a JFR upload (/ingest?format=jfr): Java pods send pprof instead"
        + " (%s)%n", r.status(), r.error() != null ? r.error() : Stats.snippet(r.body()));
    return false;
  }

  private final class Progress {
    private final long start;
    private ServerMetrics last;
    private long lastAt;
    private long lastAccepted;
    private long lastRaw;

    Progress(ServerMetrics first, long at) {
      this.start = at;
      this.last = first;
      this.lastAt = at;
    }

    void print(ServerMetrics now, long at) {
      double dt = (at - lastAt) / 1e9;
      Histogram h = stats.drainInterval();
      long acc = stats.accepted();
      long raw = stats.acceptedRawBytes();
      double cores = (now.cpuSeconds() - last.cpuSeconds()) / dt;
      out.printf("[%5.0fs] planned %d ok %d (%.1f/s, %.2f MB/s raw) failed %d p50 %.1f ms p99 %.1f ms"
              + " lag %.1f s server %.2f cores heap %.0f MiB%n", (at - start) / 1e9,
          planned.get(), acc, (acc - lastAccepted) / dt, (raw - lastRaw) / dt / 1e6, stats.failed(),
          h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, maxLagNanos.get() / 1e9, cores,
          now.heapUsed() / (1 << 20));
      last = now;
      lastAt = at;
      lastAccepted = acc;
      lastRaw = raw;
    }
  }

  private void summary(ServerMetrics before, ServerMetrics after, long wallNanos, long ownCpuNanos) {
    stats.drainInterval();
    Histogram h = stats.total();
    double secs = wallNanos / 1e9;
    double serverCpu = after.cpuSeconds() - before.cpuSeconds();
    double rawMb = stats.acceptedRawBytes() / 1e6;
    out.println("== summary ==");
    out.printf("workload %s seed %d, %.1f s, %d planned, %d accepted, %d failed%n", o.workload().id(), o.seed(), secs,
        planned.get(), stats.accepted(), stats.failed());
    out.printf("accepted: %.2f uploads/s, %.2f MB/s raw (decompressed), %.2f MB/s on the wire (gzip)%n",
        stats.accepted() / secs, rawMb / secs, stats.acceptedWireBytes() / 1e6 / secs);
    out.printf("latency (all requests): p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (%d requests)%n",
        h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
        h.getMaxValue() / 1000.0, h.getTotalCount());
    out.printf("errors by status: %s%n", stats.failuresByStatus());
    stats.firstErrors().forEach((code, msg) -> out.printf("  first %d: %s%n", code, msg));
    if (o.paced()) {
      out.printf("schedule lag: max %.2f s behind the planned upload time%n", maxLagNanos.get() / 1e9);
    }
    if (!Double.isNaN(serverCpu)) {
      out.printf("server CPU: %.1f s over %.1f s = %.2f cores; %.2f MB/s raw per server core%n", serverCpu, secs,
          serverCpu / secs, serverCpu > 0 ? rawMb / serverCpu : Double.NaN);
    }
    out.printf("load generator CPU: %.1f s (%.2f cores)%n", ownCpuNanos / 1e9, ownCpuNanos / 1e9 / secs);
    if (!Double.isNaN(after.headSamples()) && after.headSamples() > 0) {
      out.printf("server head: %.0f series, %.0f profiles, %.0f samples, %.1f MiB estimated in memory = %.1f bytes/sample"
              + " (in-memory head, not blocks)%n", after.series(), after.headProfiles(), after.headSamples(),
          after.headBytes() / (1 << 20), after.headBytes() / after.headSamples());
    }
    if (!Double.isNaN(after.heapUsed())) {
      out.printf("server heap in use at the end: %.0f MiB%n", after.heapUsed() / (1 << 20));
    }
  }

  private static long ownCpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return 0;
  }

  static long nowNanos() {
    Instant i = Instant.now();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
