package io.flarestack.bench.load;

import io.flarestack.bench.fleet.Kind;
import io.flarestack.bench.fleet.Upload;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counters and latency histograms of a load run: accepted uploads and bytes, failures by HTTP
 * status (0 = connection error), latency of every request (accepted or not) in microseconds, both
 * cumulative and per progress interval. Thread-safe.
 */
public final class Stats {
  private static final long MAX_MICROS = 600_000_000L;

  private final Recorder interval = new Recorder(MAX_MICROS, 3);
  private final Histogram total = new Histogram(MAX_MICROS, 3);
  private Histogram reuse;
  private final AtomicLong accepted = new AtomicLong();
  private final Map<Kind, AtomicLong> acceptedByKind = new EnumMap<>(Kind.class);
  private final AtomicLong acceptedRaw = new AtomicLong();
  private final AtomicLong acceptedWire = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final Map<Integer, Long> byStatus = new TreeMap<>();
  private final Map<Integer, String> firstError = new TreeMap<>();

  /** Records the finished request of an upload. */
  public void record(Target.Result r, Upload u) {
    long rawBytes = u.rawBytes();
    long wireBytes = u.body().length;
    interval.recordValue(Math.min(MAX_MICROS, Math.max(1, r.nanos() / 1000)));
    if (r.ok()) {
      acceptedByKind.get(u.planned().kind()).incrementAndGet();
      accepted.incrementAndGet();
      acceptedRaw.addAndGet(rawBytes);
      acceptedWire.addAndGet(wireBytes);
      return;
    }
    failed.incrementAndGet();
    synchronized (byStatus) {
      byStatus.merge(r.status(), 1L, Long::sum);
      firstError.putIfAbsent(r.status(), r.error() != null ? r.error() : snippet(r.body()));
    }
  }

  public Stats() {
    for (Kind k : Kind.values()) {
      acceptedByKind.put(k, new AtomicLong());
    }
  }

  /** Accepted uploads of one kind. */
  public long accepted(Kind kind) {
    return acceptedByKind.get(kind).get();
  }

  /** Latencies since the previous call, folded into the cumulative histogram. */
  public synchronized Histogram drainInterval() {
    reuse = interval.getIntervalHistogram(reuse);
    total.add(reuse);
    return reuse;
  }

  /** All latencies so far (call {@link #drainInterval()} first to include the latest). */
  public synchronized Histogram total() {
    return total.copy();
  }

  public long accepted() {
    return accepted.get();
  }

  public long acceptedRawBytes() {
    return acceptedRaw.get();
  }

  public long acceptedWireBytes() {
    return acceptedWire.get();
  }

  public long failed() {
    return failed.get();
  }

  /** Failures by status, sorted. */
  public Map<Integer, Long> failuresByStatus() {
    synchronized (byStatus) {
      return new TreeMap<>(byStatus);
    }
  }

  /** The first error message seen per status. */
  public Map<Integer, String> firstErrors() {
    synchronized (byStatus) {
      return new TreeMap<>(firstError);
    }
  }

  static String snippet(byte[] body) {
    String s = new String(body, java.nio.charset.StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
