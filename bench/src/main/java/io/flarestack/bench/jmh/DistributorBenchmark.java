package io.flarestack.bench.jmh;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.common.io.Gzip;
import io.flarestack.common.io.RequestMemory;
import io.flarestack.distributor.Distributor;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The distributor's path for real pprof uploads: {@code Distributor.push} (gunzip, parse,
 * validate, rate limit, normalise, split per sample type, build the ingester request) with a
 * writer that only counts, next to the kernel: plain gunzip + {@code Profile.parseFrom} of the
 * same bytes. One operation = the whole corpus once.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class DistributorBenchmark {
  @Param({"go-cpu", "go-heap", "java-cpu", "mixed"})
  public String corpus;

  private Corpus c;
  private List<PushRequest> pushes;
  private Distributor distributor;
  private ScheduledExecutorService deadlines;
  private final LongAdder written = new LongAdder();
  private long samples;

  @Setup(Level.Trial)
  public void setup() {
    c = Corpus.named(corpus);
    pushes = WritePath.pushes(c);
    deadlines = WritePath.deadlines();
    distributor = WritePath.distributor((tenant, req) -> written.add(req.getSeriesCount()), deadlines);
    for (byte[] p : c.payloads()) {
      samples += parse(p).getSampleCount();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    distributor.stop();
    deadlines.shutdownNow();
  }

  @Benchmark
  public void kernel(Blackhole bh, Counters n) {
    for (byte[] p : c.payloads()) {
      bh.consume(parse(p));
    }
    n.add(c.rawBytes(), c.wireBytes(), samples, c.payloads().size());
  }

  @Benchmark
  public void push(Counters n) {
    for (PushRequest p : pushes) {
      distributor.push(WritePath.TENANT, p);
    }
    n.add(c.rawBytes(), c.wireBytes(), samples, c.payloads().size());
  }

  static Profile parse(byte[] p) {
    try {
      byte[] data = Gzip.isGzip(p) ? Gzip.gunzip(p, 256L << 20, RequestMemory.unbounded()) : p;
      return Profile.parseFrom(data);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
