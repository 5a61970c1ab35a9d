package io.flarestack.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.ingester.flush.HeadBlocks;
import io.flarestack.ingester.head.Series;
import io.flarestack.ingester.head.SeriesRows;
import io.flarestack.storage.block.BlockMeta;
import io.flarestack.storage.block.BlockWriter;
import io.flarestack.storage.block.ProfilesTable;
import io.flarestack.storage.block.Ulid;
import io.flarestack.storage.query.ProfileRowView;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The block benchmarks' kernels read and write what the benchmarks claim: one minute of the W-S
 * fleet, its block, and sums checked against the head's own rows (not against the block reader).
 */
class BlockKernelsTest {
  private static FleetHead fleet;
  private static BlockRows rows;

  @TempDir
  Path dir;

  @BeforeAll
  static void fill() {
    fleet = new FleetHead(1);
    rows = new BlockRows(fleet.tenant);
  }

  @Test
  void theHeadHoldsEveryServiceAndTheRowsAreInBlockOrder() {
    // Per 15 s: 12 Go services x 5 pods x (CPU + heap), 8 Java services x 5 pods x JFR.
    assertThat(fleet.uploads).isEqualTo(4 * (12 * 5 * 2 + 8 * 5));
    assertThat(rows.rows).hasSize((int) fleet.tenant.profileCount());
    assertThat(rows.samples).isEqualTo(fleet.tenant.sampleCount());
    long next = 0;
    for (BlockRows.Range r : rows.series) {
      assertThat(r.firstRow()).isEqualTo(next);
      for (int i = 1; i < r.rows(); i++) {
        assertThat(rows.rows.get((int) r.firstRow() + i).profile().timeNanos())
            .isGreaterThanOrEqualTo(rows.rows.get((int) r.firstRow() + i - 1).profile().timeNanos());
      }
      next += r.rows();
    }
    for (int i = 1; i < rows.series.size(); i++) {
      assertThat(rows.series.get(i - 1).head().labels()).isLessThan(rows.series.get(i).head().labels());
    }
    assertThat(rows.of(ServiceHead.SERVICE, BlockReadBenchmark.TYPE)).hasSize(5);
  }

  @Test
  void readKernelsSumWhatTheHeadHolds() throws Exception {
    String ulid = Ulid.generate(fleet.endNanos / 1_000_000, new Random(1));
    BlockMeta meta = HeadBlocks.write(fleet.tenant, dir.resolve(ulid), ulid, new BlockWriter(64L << 20));
    Path parquet = dir.resolve(ulid).resolve(BlockMeta.PROFILES_FILE);
    ParquetMetadata footer = ParquetKernels.footer(parquet);
    List<BlockRows.Range> svc = rows.of(ServiceHead.SERVICE, BlockReadBenchmark.TYPE);
    long[][] ranges = ParquetKernels.ranges(svc);

    long expectedValues = 0;
    long expectedTotals = 0;
    long[] expectedByStack = new long[svc.get(0).head().partition().view().stackNodeCount()];
    for (BlockRows.Range r : svc) {
      SeriesRows sr = r.head().rows();
      for (int k = 0; k < sr.count(); k++) {
        ProfileRowView p = sr.row(k);
        expectedTotals += p.total();
        for (int i = 0; i < p.sampleCount(); i++) {
          expectedValues += p.value(i);
          expectedByStack[p.stackId(i)] += p.value(i);
        }
      }
    }
    long[] byStack = new long[expectedByStack.length];
    assertThat(ParquetKernels.sumByStack(parquet, footer, ranges[0], ranges[1], byStack)).isEqualTo(expectedValues);
    assertThat(byStack).isEqualTo(expectedByStack);
    long[][] steps = new long[rows.series.size()][8];
    assertThat(ParquetKernels.sumTotals(parquet, footer, ranges[0], ranges[1], fleet.startNanos - 15_000_000_000L,
        15_000_000_000L, steps)).isEqualTo(expectedTotals);
    for (BlockRows.Range r : svc) {
      long want = 0;
      for (int k = 0; k < r.rows(); k++) {
        want += r.head().rows().row(k).total();
      }
      assertThat(java.util.Arrays.stream(steps[r.series()]).sum()).isEqualTo(want);
    }
    assertThat(meta.stats().numSamples()).isEqualTo(rows.samples);
  }

  @Test
  void theParquetKernelWritesTheSameRowsAndSamples() throws Exception {
    String ulid = Ulid.generate(fleet.endNanos / 1_000_000, new Random(2));
    HeadBlocks.write(fleet.tenant, dir.resolve(ulid), ulid, new BlockWriter(64L << 20));
    ParquetMetadata blockFooter = ParquetKernels.footer(dir.resolve(ulid).resolve(BlockMeta.PROFILES_FILE));
    Path file = dir.resolve("kernel.parquet");
    try (var w = ParquetKernels.writer(file, 64L << 20)) {
      for (ProfilesTable.Row r : rows.rows) {
        w.write(r);
      }
    }
    ParquetMetadata footer = ParquetKernels.footer(file);
    assertThat(footer.getFileMetaData().getSchema()).isEqualTo(blockFooter.getFileMetaData().getSchema());
    assertThat(footer.getBlocks().stream().mapToLong(BlockMetaData::getRowCount).sum()).isEqualTo(rows.rows.size());
    long all = 0;
    for (Series s : fleet.tenant.series()) {
      SeriesRows sr = s.rows();
      for (int k = 0; k < sr.count(); k++) {
        for (int i = 0; i < sr.row(k).sampleCount(); i++) {
          all += sr.row(k).value(i);
        }
      }
    }
    int maxStack = 1;
    for (ProfilesTable.Row r : rows.rows) {
      for (int i = 0; i < r.profile().sampleCount(); i++) {
        maxStack = Math.max(maxStack, r.profile().stackId(i) + 1);
      }
    }
    assertThat(ParquetKernels.sumByStack(file, footer, new long[] {0}, new long[] {rows.rows.size()},
        new long[maxStack])).isEqualTo(all);
  }

  @Test
  void plainColumnsHoldEveryFieldOnce() {
    long ids = 0;
    for (ProfilesTable.Row r : rows.rows) {
      ids += r.profile().profileId().getBytes(StandardCharsets.UTF_8).length;
    }
    assertThat((long) BlockWriteBenchmark.plainColumns(rows).length)
        .isEqualTo(rows.rows.size() * 20L + ids + rows.samples * 12);
  }
}
