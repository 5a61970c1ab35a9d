package io.flarestack.bench.jmh;

import com.github.luben.zstd.Zstd;
import io.flarestack.ingester.flush.HeadBlocks;
import io.flarestack.storage.block.BlockMeta;
import io.flarestack.storage.block.BlockWriter;
import io.flarestack.storage.block.ProfilesTable;
import io.flarestack.storage.block.Ulid;
import io.flarestack.storage.block.ZstdCodecFactory;
import io.flarestack.storage.query.ProfileRowView;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.parquet.hadoop.ParquetWriter;
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
 * Writing a block from a head holding {@code minutes} of the W-S fleet (real Go CPU and heap pprof
 * with the fleet's churn, real async-profiler JFR; {@link FleetHead}), exactly as the ingester
 * does at a cut: {@code HeadBlocks.write} (sort series and rows, check stack ids, profiles.parquet
 * with zstd pages, series.idx, symbols.sym, meta.json, every file and the directory fsynced), to
 * a directory under {@code java.io.tmpdir}. One operation = one block.
 *
 * <p>Kernels, in the same run: {@code parquetKernel}, the blocks' own Parquet writer
 * ({@code ProfilesTable.writer}) writing the same rows in the same order into one file (no sort,
 * checks, symbols, index or fsync); {@code zstdKernel}, zstd at the blocks' level of the same columns'
 * plain bytes (4-byte series and stack ids, 8-byte times, totals and values, the 36-byte profile
 * ids) in 64 KiB chunks, the blocks' page size. {@code write} is compared with
 * {@code parquetKernel}, and {@code parquetKernel} with {@code zstdKernel}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
@State(Scope.Benchmark)
public class BlockWriteBenchmark {
  static final long ROW_GROUP_BYTES = 64L << 20;

  /** Minutes of W-S in the head: 10 min = 100 pods x 40 uploads (the default window is 60). */
  @Param({"10"})
  public int minutes;

  private FleetHead fleet;
  private BlockRows rows;
  private Path root;
  private Path blockDir;
  private byte[] plain;
  private byte[] compressed;
  private long blockBytes;
  private long parquetBytes;
  private final Random random = new Random(1);
  private int seq;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    fleet = new FleetHead(minutes);
    rows = new BlockRows(fleet.tenant);
    root = Files.createTempDirectory("bench-block-write");
    BlockMeta meta = HeadBlocks.write(fleet.tenant, root.resolve("first"), ulid(), new BlockWriter(ROW_GROUP_BYTES));
    if (meta.stats().numSamples() != fleet.tenant.sampleCount() || meta.stats().numSamples() != rows.samples
        || meta.stats().numProfiles() != rows.rows.size()) {
      throw new IllegalStateException("the block holds " + meta.stats() + ", the head " + fleet.tenant.sampleCount()
          + " samples in " + rows.rows.size() + " rows");
    }
    blockBytes = meta.totalBytes();
    plain = plainColumns(rows);
    compressed = new byte[(int) Zstd.compressBound(64 << 10)];
    System.out.printf("%nblock of %d min of W-S (head filled in %.1f s): %d uploads (%.1f MB raw), %d series, %d rows, %d samples, %d bytes"
            + " (%.2f B/sample), plain columns %d bytes%n", minutes, fleet.seconds, fleet.uploads, fleet.rawBytes / 1e6,
        meta.stats().numSeries(), meta.stats().numProfiles(), meta.stats().numSamples(), blockBytes,
        (double) blockBytes / meta.stats().numSamples(), plain.length);
    parquetBytes = parquetKernelWrite();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    delete(root);
  }

  @TearDown(Level.Invocation)
  public void deleteBlock() throws IOException {
    if (blockDir != null) {
      delete(blockDir);
      blockDir = null;
    }
  }

  private String ulid() {
    return Ulid.generate(fleet.endNanos / 1_000_000, random);
  }

  @Benchmark
  public BlockMeta write(Counters n) throws IOException {
    blockDir = root.resolve("b" + seq++);
    BlockMeta meta = HeadBlocks.write(fleet.tenant, blockDir, ulid(), new BlockWriter(ROW_GROUP_BYTES));
    n.add(fleet.rawBytes, 0, rows.samples, rows.rows.size(), meta.totalBytes());
    return meta;
  }

  @Benchmark
  public long parquetKernel(Counters n) throws IOException {
    long bytes = parquetKernelWrite();
    n.add(fleet.rawBytes, 0, rows.samples, rows.rows.size(), bytes);
    return bytes;
  }

  private long parquetKernelWrite() throws IOException {
    Path file = root.resolve("kernel.parquet");
    try (ParquetWriter<ProfilesTable.Row> w = ParquetKernels.writer(file, ROW_GROUP_BYTES)) {
      for (ProfilesTable.Row r : rows.rows) {
        w.write(r);
      }
    }
    return Files.size(file);
  }

  @Benchmark
  public long zstdKernel(Counters n) {
    long out = 0;
    int chunk = 64 << 10;
    for (int off = 0; off < plain.length; off += chunk) {
      int len = Math.min(chunk, plain.length - off);
      out += Zstd.compressByteArray(compressed, 0, compressed.length, plain, off, len, ZstdCodecFactory.LEVEL);
    }
    n.add(fleet.rawBytes, 0, rows.samples, rows.rows.size(), out);
    return out;
  }

  /** Column by column, as Parquet lays the data out: the plain (unencoded) bytes of every column. */
  static byte[] plainColumns(BlockRows rows) {
    int n = rows.rows.size();
    ByteBuffer rowCols = ByteBuffer.allocate(n * (4 + 8 + 8));
    ByteArrayOutputStream ids = new ByteArrayOutputStream(n * 36);
    ByteBuffer stacks = ByteBuffer.allocate(Math.toIntExact(rows.samples * 4));
    ByteBuffer values = ByteBuffer.allocate(Math.toIntExact(rows.samples * 8));
    for (ProfilesTable.Row r : rows.rows) {
      rowCols.putInt(r.series());
    }
    for (ProfilesTable.Row r : rows.rows) {
      rowCols.putLong(r.profile().timeNanos());
    }
    for (ProfilesTable.Row r : rows.rows) {
      rowCols.putLong(r.profile().total());
    }
    for (ProfilesTable.Row r : rows.rows) {
      ids.writeBytes(r.profile().profileId().getBytes(StandardCharsets.UTF_8));
      ProfileRowView p = r.profile();
      for (int i = 0; i < p.sampleCount(); i++) {
        stacks.putInt(p.stackId(i));
        values.putLong(p.value(i));
      }
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream(rowCols.capacity() + ids.size() + stacks.capacity()
        + values.capacity());
    all.writeBytes(rowCols.array());
    all.writeBytes(ids.toByteArray());
    all.writeBytes(stacks.array());
    all.writeBytes(values.array());
    return all.toByteArray();
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
