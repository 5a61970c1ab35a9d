package io.flarestack.storegateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.ingester.v1.MergeTreeRequest;
import io.flarestack.api.ingester.v1.SelectProfilesRequest;
import io.flarestack.api.ingester.v1.SelectSeriesRequest;
import io.flarestack.common.model.Labels;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.objstore.filesystem.FilesystemBucket;
import io.flarestack.storage.block.BlockMeta;
import io.flarestack.storage.block.Ulid;
import io.flarestack.storage.query.ProfileSource;
import io.flarestack.storage.query.QueryEngine;
import io.flarestack.storegateway.testing.PprofBlocks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What serving a query over a block costs, through a byte-counting ranged reader: bytes fetched
 * from the bucket and heap allocated by the query thread, against the block's size (the figures
 * in docs/block-format.md). The block: ten services of real profiles pushed every 15 s for 20
 * minutes by three pods.
 */
class BlockReadCostTest {
  private static final List<String> FILES = List.of("pprof/pkg-pprof/go.cpu.labels.pprof",
      "pprof/pkg-pprof/profile_java", "pprof/pkg-pprof/profile_python", "pprof/pkg-pprof/profile_ruby",
      "pprof/pkg-pprof/profile_nodejs", "pprof/pkg-pprof/profile_rust", "pprof/pkg-pprof/heap",
      "pprof/og-convert-pprof/cpu.pb.gz", "pprof/og-convert-pprof/pyspy-1.pb.gz",
      "pprof/og-convert-pprof/nodejs-wall.pb.gz");
  private static final long T0 = 1_700_000_000_000L;

  @TempDir
  Path bucketDir;
  @TempDir
  Path work;

  private final QueryEngine engine = new QueryEngine();

  private static long allocated() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  private record Cost(long bytesRead, long requests, long allocated) {}

  private static Cost measure(StoreGateway g, Supplier<?> query) {
    long bytes = g.reads().bytes();
    long requests = g.reads().requests();
    long before = allocated();
    query.get();
    return new Cost(g.reads().bytes() - bytes, g.reads().requests() - requests, allocated() - before);
  }

  @Test
  void aQueryReadsAndHoldsAFractionOfTheBlock() throws Exception {
    PprofBlocks b = new PprofBlocks();
    Random r = new Random(42);
    List<Profile> templates = FILES.stream().map(SharedTestData::pprof).toList();
    for (int i = 0; i < 80; i++) {
      for (int k = 0; k < templates.size(); k++) {
        Profile p = templates.get(k);
        Profile.Builder pb = p.toBuilder().clearSample();
        for (Sample s : p.getSampleList()) {
          if (r.nextInt(10) == 0) {
            continue;
          }
          long scale = 1 + r.nextInt(3);
          Sample.Builder sb = s.toBuilder().clearValue();
          for (long v : s.getValueList()) {
            sb.addValue(v * scale);
          }
          pb.addSample(sb);
        }
        b.add(Labels.of("__name__", "process_cpu", "service_name", "svc-" + k, "pod", "pod-" + i % 3), pb.build(),
            (T0 + i * 15_000L) * 1_000_000L, "p" + i);
      }
    }
    FilesystemBucket bucket = new FilesystemBucket(bucketDir);
    BlockMeta meta = b.upload(bucket, "t", Ulid.generate(T0, r), work);
    StoreGateway g = new StoreGateway(new StoreGatewayConfig(1, "", Duration.ofHours(1)), bucket, Clock.systemUTC(),
        new SimpleMeterRegistry());
    g.start();
    try {
      long size = meta.totalBytes();
      List<ProfileSource> all = g.sources("t", 0, 0, List.of());
      long end = T0 + 3_600_000;
      // The python service: one of ten services, 240 of its 5,280 rows.
      SelectProfilesRequest python = SelectProfilesRequest.newBuilder().setLabelSelector("{service_name=\"svc-2\"}")
          .setProfileTypeId("process_cpu:samples:count::milliseconds").setStart(T0).setEnd(end).build();
      SelectProfilesRequest everything = SelectProfilesRequest.newBuilder().setLabelSelector("{}")
          .setProfileTypeId("process_cpu:cpu:nanoseconds:cpu:nanoseconds").setStart(T0).setEnd(end).build();

      Cost open = measure(g, () -> g.plan("t", 0, 0).size() + engine.labelNames(all,
          io.flarestack.api.types.v1.LabelNamesRequest.getDefaultInstance()).getNamesCount());
      Cost one = measure(g, () -> engine.mergeTree(all, MergeTreeRequest.newBuilder().setSelect(python).build()));
      Cost series = measure(g, () -> engine.selectSeries(all,
          SelectSeriesRequest.newBuilder().setSelect(everything).setStepMillis(60_000).addGroupBy("pod").build()));
      Cost wide = measure(g, () -> engine.mergeTree(all, MergeTreeRequest.newBuilder().setSelect(everything).build()));
      long header = g.headerBytes();
      System.out.printf("block: %d bytes (%s), %d samples, %d profiles%n", size, meta.files(),
          meta.stats().numSamples(), meta.stats().numProfiles());
      System.out.printf("open (series index + symbols TOC + parquet footer): read %d B in %d requests, allocated %d B,"
          + " header kept %d B%n", open.bytesRead(), open.requests(), open.allocated(), header);
      System.out.printf("one service flame graph: read %d B in %d requests, allocated %d B%n", one.bytesRead(),
          one.requests(), one.allocated());
      System.out.printf("all-service series (time+total columns): read %d B in %d requests, allocated %d B%n",
          series.bytesRead(), series.requests(), series.allocated());
      System.out.printf("all-service cpu flame graph: read %d B in %d requests, allocated %d B%n", wide.bytesRead(),
          wide.requests(), wide.allocated());

      // What stays on the heap is the header: a few bytes per series, not the block.
      assertThat(header).isLessThan(size / 50);
      // One service of ten: its pages and its symbol partition, not the block.
      assertThat(one.bytesRead()).isLessThan(size / 5);
      // Series need only the time and total columns.
      assertThat(series.bytesRead()).isLessThan(size / 50);
      // A query over every service still skips the other profile types' pages.
      assertThat(wide.bytesRead()).isLessThan(size / 2);
    } finally {
      g.stop();
    }
  }
}
