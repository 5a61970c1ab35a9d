package io.flarestack.bench.jmh;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.bench.fleet.Fleet;
import io.flarestack.bench.fleet.Kind;
import io.flarestack.bench.fleet.Planned;
import io.flarestack.bench.fleet.Schedule;
import io.flarestack.bench.fleet.Upload;
import io.flarestack.bench.fleet.Uploads;
import io.flarestack.bench.fleet.Workload;
import io.flarestack.common.model.pprof.PprofMerger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@code PprofMerger} over K profiles of one service (the fleet's mutated real Go CPU profiles of
 * {@code svc-7}: shared symbols, churned stacks), as the querier merges ingester answers and
 * {@code SelectMergeProfile} results. The kernel is parsing the same K profiles from their bytes.
 * One operation = K profiles.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class PprofMergeBenchmark {
  @Param({"64"})
  public int k;

  private List<byte[]> bytes;
  private List<Profile> profiles;
  private long rawBytes;
  private long samples;

  @Setup(Level.Trial)
  public void setup() {
    Fleet fleet = new Fleet(Workload.W_S, 1);
    Uploads uploads = Uploads.fromTestData(fleet);
    bytes = new ArrayList<>();
    profiles = new ArrayList<>();
    for (Planned p : new Schedule(fleet, ServiceHead.END_NANOS - 3_600_000_000_000L, ServiceHead.END_NANOS, false,
        Set.of(Kind.GO_CPU), Set.of(ServiceHead.SERVICE))) {
      if (bytes.size() == k) {
        break;
      }
      Upload u = uploads.make(p);
      byte[] raw = Corpus.gunzip(u.body());
      bytes.add(raw);
      Profile parsed = DistributorBenchmark.parse(raw);
      profiles.add(parsed);
      rawBytes += raw.length;
      samples += parsed.getSampleCount();
    }
  }

  @Benchmark
  public Profile merge(Counters n) {
    Profile p = PprofMerger.merge(profiles);
    n.add(rawBytes, 0, samples, profiles.size());
    return p;
  }

  @Benchmark
  public void parseKernel(Blackhole bh, Counters n) {
    for (byte[] b : bytes) {
      bh.consume(DistributorBenchmark.parse(b));
    }
    n.add(rawBytes, 0, samples, profiles.size());
  }
}
