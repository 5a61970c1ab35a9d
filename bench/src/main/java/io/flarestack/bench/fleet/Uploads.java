package io.flarestack.bench.fleet;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.io.Gzip;
import io.flarestack.common.io.RequestMemory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Makes the bytes of planned uploads from the real templates: pprof kinds through the
 * {@link Mutator} (gzipped at the fastest level, as Go's runtime/pprof does), JFR kinds as one of
 * the real async-profiler recordings in {@code testdata/jfr}, picked by pod and sequence (JFR is
 * not mutated: its stacks are the Kafka broker's). Thread-safe.
 */
public final class Uploads {
  /** The real CPU / CPU+alloc+lock recordings of a Kafka broker (async-profiler). */
  public static final List<String> JFR_FILES = List.of(
      "jfr/cortex-dev-01__kafka-0__cpu__0.jfr.gz", "jfr/cortex-dev-01__kafka-0__cpu__1.jfr.gz",
      "jfr/cortex-dev-01__kafka-0__cpu__2.jfr.gz", "jfr/cortex-dev-01__kafka-0__cpu__3.jfr.gz",
      "jfr/cortex-dev-01__kafka-0__cpu_lock_alloc__0.jfr.gz", "jfr/cortex-dev-01__kafka-0__cpu_lock_alloc__1.jfr.gz",
      "jfr/cortex-dev-01__kafka-0__cpu_lock_alloc__2.jfr.gz", "jfr/cortex-dev-01__kafka-0__cpu_lock_alloc__3.jfr.gz");

  private final Fleet fleet;
  private final Mutator mutator;
  private final Template goCpu;
  private final Template goHeap;
  private final Template javaCpu;
  private final List<byte[]> jfr = new ArrayList<>();
  private final List<Long> jfrRaw = new ArrayList<>();

  public Uploads(Fleet fleet, Template goCpu, Template goHeap, Template javaCpu, List<byte[]> jfrFiles) {
    this.fleet = requireNonNull(fleet, "fleet is null");
    this.mutator = new Mutator(fleet.seed());
    this.goCpu = requireNonNull(goCpu, "goCpu is null");
    this.goHeap = requireNonNull(goHeap, "goHeap is null");
    this.javaCpu = requireNonNull(javaCpu, "javaCpu is null");
    for (byte[] f : requireNonNull(jfrFiles, "jfrFiles is null")) {
      jfr.add(f);
      jfrRaw.add((long) gunzippedSize(f));
    }
  }

  /** The templates and JFR files from {@code testdata/}. */
  public static Uploads fromTestData(Fleet fleet) {
    List<byte[]> files = new ArrayList<>();
    for (String f : JFR_FILES) {
      files.add(TestData.bytes(f));
    }
    return new Uploads(fleet, Template.goCpu(), Template.goHeap(), Template.javaCpu(), files);
  }

  public Upload make(Planned p) {
    var labels = fleet.labels(p.pod(), p.timeNanos(), p.seq());
    if (p.kind() == Kind.JAVA_JFR) {
      int i = Mix.bounded(Mix.hash(fleet.seed(), 31, p.pod().id(), p.seq()), jfr.size());
      return new Upload(p, labels, "process_cpu", "javaspy", jfr.get(i), jfrRaw.get(i),
          fleet.workload().interval().toNanos());
    }
    Template t = switch (p.kind()) {
      case GO_CPU -> goCpu;
      case GO_HEAP -> goHeap;
      case JAVA_CPU -> javaCpu;
      case JAVA_JFR -> throw new AssertionError();
    };
    long duration = fleet.workload().interval().toNanos();
    byte[] raw = mutator.upload(t, p.pod().service(), p.seq(), p.timeNanos(), duration);
    return new Upload(p, labels, t.metricName(), t.spyName(), gzip(raw), raw.length, duration);
  }

  /** gzip at the fastest level. */
  public static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 3 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024) {
      {
        def.setLevel(Deflater.BEST_SPEED);
      }
    }) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static int gunzippedSize(byte[] gz) {
    try {
      return Gzip.gunzip(gz, 256L << 20, RequestMemory.unbounded()).length;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
