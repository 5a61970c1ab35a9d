package io.flarestack.ingester.flush;

import static io.flarestack.ingester.testing.Requests.series;
import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.common.model.Labels;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.ingester.head.Head;
import io.flarestack.ingester.testing.Requests;
import io.flarestack.storage.block.BlockMeta;
import io.flarestack.storage.block.BlockWriter;
import io.flarestack.storage.block.Ulid;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bytes per sample of blocks written from the shared pprof test data (the figures in
 * docs/block-format.md). One block per single profile is dominated by symbols and Parquet's
 * fixed overhead; the realistic case is an hour of one fleet: every test profile as its own
 * service, pushed every 15 s by 3 pods for an hour (240 pushes each), each push keeping a
 * random 90% of the samples with values scaled by 1-3 (values stay multiples of the period, as
 * real ones are). Goal: at most 5 bytes per sample (Pyroscope v1: ~8.4).
 */
class BlockSizeTest {
  static final List<String> FILES = List.of("pprof/pkg-pprof/go.cpu.labels.pprof", "pprof/pkg-pprof/profile_java",
      "pprof/pkg-pprof/profile_python", "pprof/pkg-pprof/profile_ruby", "pprof/pkg-pprof/profile_nodejs",
      "pprof/pkg-pprof/profile_rust", "pprof/pkg-pprof/heap", "pprof/og-convert-pprof/cpu.pb.gz",
      "pprof/og-convert-pprof/pyspy-1.pb.gz", "pprof/og-convert-pprof/nodejs-wall.pb.gz");

  @TempDir
  Path dir;

  private BlockMeta write(Head h) throws Exception {
    String ulid = Ulid.generate(1, new Random(0));
    return HeadBlocks.write(h.find("t"), dir.resolve(ulid), ulid, new BlockWriter(64 << 20));
  }

  private static Labels labels(int service, int pod) {
    return Labels.of("__name__", "process_cpu", "__delta__", "false", "service_name", "svc-" + service,
        "pod", "pod-" + pod);
  }

  @Test
  void anHourOfAFleetTakesAtMostFiveBytesPerSample() throws Exception {
    Head h = new Head(0, new SimpleMeterRegistry());
    Random r = new Random(42);
    List<Profile> templates = FILES.stream().map(SharedTestData::pprof).toList();
    for (int i = 0; i < 240; i++) {
      for (int k = 0; k < templates.size(); k++) {
        Profile p = templates.get(k);
        Profile.Builder b = p.toBuilder().setTimeNanos(i * 15_000_000_000L + k).clearSample();
        for (Sample s : p.getSampleList()) {
          if (r.nextInt(10) == 0) {
            continue;
          }
          long scale = 1 + r.nextInt(3);
          Sample.Builder sb = s.toBuilder().clearValue();
          for (long v : s.getValueList()) {
            sb.addValue(v * scale);
          }
          b.addSample(sb);
        }
        h.append("t", Requests.push(series(labels(k, i % 3), b.build())));
      }
    }
    BlockMeta m = write(h);
    double perSample = m.totalBytes() / (double) m.stats().numSamples();
    System.out.printf("hour of a fleet: %d profiles, %d samples, %d bytes (%s), %.2f bytes/sample%n",
        m.stats().numProfiles(), m.stats().numSamples(), m.totalBytes(), m.files(), perSample);
    long typesPerRound = templates.stream().mapToLong(Profile::getSampleTypeCount).sum();
    assertThat(m.stats().numProfiles()).isEqualTo(240L * typesPerRound);
    assertThat(perSample).isLessThanOrEqualTo(5.0);
  }

  @Test
  void singleProfileBlocksAreDominatedBySymbols() throws Exception {
    long bytes = 0;
    long samples = 0;
    for (String f : FILES) {
      Head h = new Head(0, new SimpleMeterRegistry());
      h.append("t", Requests.push(series(labels(0, 0), SharedTestData.pprof(f).toBuilder().setTimeNanos(1).build())));
      BlockMeta m = write(h);
      System.out.printf("single profile %-42s %6d samples %7d bytes %7.2f bytes/sample (symbols %d)%n", f,
          m.stats().numSamples(), m.totalBytes(), m.totalBytes() / (double) m.stats().numSamples(),
          m.fileSize(BlockMeta.SYMBOLS_FILE));
      bytes += m.totalBytes();
      samples += m.stats().numSamples();
      assertThat(m.stats().numSamples()).isPositive();
    }
    System.out.printf("single profiles overall: %.2f bytes/sample%n", bytes / (double) samples);
    assertThat(bytes).isPositive();
  }
}
