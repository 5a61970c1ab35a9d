package io.flarestack.bench.jmh;

import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.ingester.v1.NormalizedProfile;
import io.flarestack.api.ingester.v1.ProfileSeries;
import io.flarestack.api.ingester.v1.PushRequest;
import io.flarestack.common.model.tree.LongIntMap;
import io.flarestack.ingester.head.Head;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
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

/**
 * The ingester's head append (symbol de-duplication by content, stack-tree insert, one row per
 * sample type) of what the distributor produced for a corpus, next to the kernel: the same walk
 * over every sample's locations, lines and function names without storing anything. One operation
 * = the whole corpus once.
 *
 * <ul>
 *   <li>{@code appendWarm}: into a head that already holds the same profiles (a new head every
 *       iteration): the steady state of a service that keeps sending similar stacks, where
 *       symbols and stacks are found, not inserted;
 *   <li>{@code appendCold}: into a new, empty head every operation: every symbol and stack is new.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class HeadAppendBenchmark {
  @Param({"go-cpu", "go-heap", "mixed"})
  public String corpus;

  private Corpus c;
  private List<PushRequest> requests;
  private long samples;
  private Head warm;

  @Setup(Level.Trial)
  public void setup() {
    c = Corpus.named(corpus);
    requests = WritePath.normalised(c);
    for (PushRequest r : requests) {
      for (ProfileSeries s : r.getSeriesList()) {
        for (NormalizedProfile p : s.getProfilesList()) {
          samples += p.getProfile().getSampleCount();
        }
      }
    }
  }

  @Setup(Level.Iteration)
  public void newWarmHead() {
    warm = new Head(0, new SimpleMeterRegistry());
    append(warm);
  }

  private void append(Head h) {
    for (PushRequest r : requests) {
      h.append(WritePath.TENANT, r);
    }
  }

  @Benchmark
  public Head appendWarm(Counters n) {
    append(warm);
    n.add(c.rawBytes(), c.wireBytes(), samples, c.payloads().size());
    return warm;
  }

  @Benchmark
  public Head appendCold(Counters n) {
    Head h = new Head(0, new SimpleMeterRegistry());
    append(h);
    n.add(c.rawBytes(), c.wireBytes(), samples, c.payloads().size());
    return h;
  }

  @Benchmark
  public long walk(Counters n) {
    long acc = 0;
    for (PushRequest r : requests) {
      for (ProfileSeries s : r.getSeriesList()) {
        for (NormalizedProfile np : s.getProfilesList()) {
          acc += walk(np.getProfile());
        }
      }
    }
    n.add(c.rawBytes(), c.wireBytes(), samples, c.payloads().size());
    return acc;
  }

  // Resolves every sample's frames by id, as any store must, and folds them into a checksum.
  static long walk(Profile p) {
    LongIntMap locations = new LongIntMap(p.getLocationCount());
    for (int i = 0; i < p.getLocationCount(); i++) {
      locations.put(p.getLocation(i).getId(), i);
    }
    LongIntMap functions = new LongIntMap(p.getFunctionCount());
    for (int i = 0; i < p.getFunctionCount(); i++) {
      functions.put(p.getFunction(i).getId(), i);
    }
    long acc = 0;
    for (int s = 0; s < p.getSampleCount(); s++) {
      Sample sample = p.getSample(s);
      long h = 1;
      for (int k = 0; k < sample.getLocationIdCount(); k++) {
        Location loc = p.getLocation(locations.get(sample.getLocationId(k)));
        h = h * 31 + loc.getAddress();
        for (int l = 0; l < loc.getLineCount(); l++) {
          int f = functions.get(loc.getLine(l).getFunctionId());
          h = h * 31 + p.getStringTable((int) p.getFunction(f).getName()).hashCode() + loc.getLine(l).getLine();
        }
      }
      for (int v = 0; v < sample.getValueCount(); v++) {
        h += sample.getValue(v);
      }
      acc += h;
    }
    return acc;
  }
}
