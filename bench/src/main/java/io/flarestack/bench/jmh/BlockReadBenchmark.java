package io.flarestack.bench.jmh;

import io.flarestack.api.ingester.v1.MergeTreeRequest;
import io.flarestack.api.ingester.v1.MergeTreeResponse;
import io.flarestack.api.ingester.v1.PartialPoint;
import io.flarestack.api.ingester.v1.PartialSeries;
import io.flarestack.api.ingester.v1.SelectProfilesRequest;
import io.flarestack.api.ingester.v1.SelectSeriesRequest;
import io.flarestack.api.ingester.v1.SelectSeriesResponse;
import io.flarestack.common.model.tree.CallTree;
import io.flarestack.ingester.flush.HeadBlocks;
import io.flarestack.objstore.filesystem.FilesystemBucket;
import io.flarestack.storage.block.BlockMeta;
import io.flarestack.storage.block.BlockWriter;
import io.flarestack.storage.block.Ulid;
import io.flarestack.storage.query.ProfileSource;
import io.flarestack.storage.query.QueryEngine;
import io.flarestack.storegateway.StoreGateway;
import io.flarestack.storegateway.StoreGatewayConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
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

/**
 * Queries over one block of {@code minutes} of the W-S fleet ({@link FleetHead}, written by
 * {@code HeadBlocks.write} into a filesystem bucket), served as the store-gateway serves them:
 * {@code StoreGateway.sources} (the bucket listed at start, the block opened lazily, its header
 * kept, every query reading its pages and symbol partitions through ranged reads of the bucket,
 * from the page cache) and the shared {@code QueryEngine}:
 *
 * <ul>
 *   <li>{@code mergeTree}: the CPU flame graph of one service ({@code svc-7}, 5 pods, one of 20
 *       services), 8,192 nodes, as the store-gateway answers {@code MergeTree}: select series,
 *       read the rows' stack ids and values, sum per stack, read and decode the service's symbol
 *       partition, fold into a function-name tree, truncate;
 *   <li>{@code selectSeries}: the same service's CPU series by pod at a 15 s step (the time and
 *       total columns only).
 * </ul>
 *
 * <p>Kernels, in the same run: parquet-java's column readers over the same row ranges of the same
 * {@code profiles.parquet} (same pages, same zstd), summing values into a dense array by stack id
 * ({@code mergeTreeKernel}) or totals by series and step ({@code selectSeriesKernel}); no record
 * assembly, symbols or tree. One operation = one query. The setup checks that each kernel sums to
 * the query's total.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
@State(Scope.Benchmark)
public class BlockReadBenchmark {
  static final String TYPE = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
  static final long STEP_MILLIS = 15_000;

  /** Minutes of W-S in the block, as {@link BlockWriteBenchmark}. */
  @Param({"10"})
  public int minutes;

  private final QueryEngine engine = new QueryEngine();
  private Path bucketDir;
  private StoreGateway gateway;
  private List<ProfileSource> sources;
  private MergeTreeRequest tree;
  private SelectSeriesRequest series;
  private Path parquet;
  private ParquetMetadata footer;
  private long[] from;
  private long[] to;
  private int stackNodes;
  private int blockSeries;
  private long startNanos;
  private int steps;
  private long rows;
  private long samples;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    FleetHead fleet = new FleetHead(minutes);
    double seconds = fleet.seconds;
    BlockRows all = new BlockRows(fleet.tenant);
    List<BlockRows.Range> selected = all.of(ServiceHead.SERVICE, TYPE);
    for (BlockRows.Range r : selected) {
      rows += r.rows();
      for (int i = 0; i < r.rows(); i++) {
        samples += all.rows.get((int) r.firstRow() + i).profile().sampleCount();
      }
      stackNodes = Math.max(stackNodes, r.head().partition().view().stackNodeCount());
    }
    long[][] ranges = ParquetKernels.ranges(selected);
    from = ranges[0];
    to = ranges[1];
    blockSeries = all.series.size();

    bucketDir = Files.createTempDirectory("bench-block-read");
    String ulid = Ulid.generate(fleet.endNanos / 1_000_000, new Random(1));
    Path dir = bucketDir.resolve(WritePath.TENANT).resolve(ulid);
    BlockMeta meta = HeadBlocks.write(fleet.tenant, dir, ulid, new BlockWriter(BlockWriteBenchmark.ROW_GROUP_BYTES));
    parquet = dir.resolve(BlockMeta.PROFILES_FILE);
    footer = ParquetKernels.footer(parquet);

    gateway = new StoreGateway(new StoreGatewayConfig(1, "", Duration.ofHours(1)), new FilesystemBucket(bucketDir),
        Clock.systemUTC(), new SimpleMeterRegistry());
    gateway.start();
    sources = gateway.sources(WritePath.TENANT, 0, 0, List.of());
    if (sources.size() != 1) {
      throw new IllegalStateException("the store-gateway serves " + sources.size() + " blocks, expected 1");
    }
    SelectProfilesRequest select = SelectProfilesRequest.newBuilder()
        .setLabelSelector("{service_name=\"" + ServiceHead.SERVICE + "\"}").setProfileTypeId(TYPE)
        .setStart(meta.minTime()).setEnd(meta.maxTime()).build();
    tree = MergeTreeRequest.newBuilder().setSelect(select).setMaxNodes(8192).build();
    // Points cover (t - step, t] for t = start, start + step, ... <= end: an end on the step grid
    // keeps the last rows in.
    long seriesEnd = meta.minTime() + (meta.maxTime() - meta.minTime() + STEP_MILLIS - 1) / STEP_MILLIS * STEP_MILLIS;
    series = SelectSeriesRequest.newBuilder().setSelect(select.toBuilder().setEnd(seriesEnd)).addGroupBy("pod")
        .setStepMillis(STEP_MILLIS).build();
    startNanos = (meta.minTime() - STEP_MILLIS) * 1_000_000L;
    steps = (int) ((meta.maxTime() - meta.minTime()) / STEP_MILLIS) + 2;

    long treeTotal = CallTree.fromProto(engine.mergeTree(sources, tree).getTree()).total();
    long kernelTotal = ParquetKernels.sumByStack(parquet, footer, from, to, new long[stackNodes]);
    double seriesTotal = 0;
    for (PartialSeries s : engine.selectSeries(sources, series).getSeriesList()) {
      for (PartialPoint p : s.getPointsList()) {
        seriesTotal += p.getSum();
      }
    }
    long kernelTotals = ParquetKernels.sumTotals(parquet, footer, from, to, startNanos, STEP_MILLIS * 1_000_000L,
        new long[blockSeries][steps]);
    if (treeTotal != kernelTotal || (long) seriesTotal != kernelTotals || treeTotal != kernelTotals) {
      throw new IllegalStateException("totals differ: flame graph " + treeTotal + ", its kernel " + kernelTotal
          + ", series " + (long) seriesTotal + ", its kernel " + kernelTotals);
    }
    System.out.printf("%nblock of %d min of W-S (head filled in %.1f s): %d bytes, %d series, %d rows, %d samples; %s CPU: %d series,"
            + " %d rows, %d samples, total %d%n", minutes, seconds, meta.totalBytes(), meta.stats().numSeries(),
        meta.stats().numProfiles(), meta.stats().numSamples(), ServiceHead.SERVICE, selected.size(), rows, samples,
        treeTotal);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    gateway.stop();
    try (Stream<Path> s = Files.walk(bucketDir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  @Benchmark
  public MergeTreeResponse mergeTree(Counters n) {
    long bytes = gateway.reads().bytes();
    MergeTreeResponse r = engine.mergeTree(sources, tree);
    n.add(0, 0, samples, rows, gateway.reads().bytes() - bytes);
    return r;
  }

  @Benchmark
  public long[] mergeTreeKernel(Counters n) throws IOException {
    long[] byStack = new long[stackNodes];
    ParquetKernels.sumByStack(parquet, footer, from, to, byStack);
    n.add(0, 0, samples, rows);
    return byStack;
  }

  @Benchmark
  public SelectSeriesResponse selectSeries(Counters n) {
    long bytes = gateway.reads().bytes();
    SelectSeriesResponse r = engine.selectSeries(sources, series);
    n.add(0, 0, 0, rows, gateway.reads().bytes() - bytes);
    return r;
  }

  @Benchmark
  public long[][] selectSeriesKernel(Counters n) throws IOException {
    long[][] sums = new long[blockSeries][steps];
    ParquetKernels.sumTotals(parquet, footer, from, to, startNanos, STEP_MILLIS * 1_000_000L, sums);
    n.add(0, 0, 0, rows);
    return sums;
  }
}
