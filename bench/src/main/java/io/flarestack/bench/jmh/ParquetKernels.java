package io.flarestack.bench.jmh;

import io.flarestack.storage.block.BlockWriter;
import io.flarestack.storage.block.ProfilesTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.filter2.columnindex.RowRanges;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * The kernels of the block benchmarks: parquet-java alone. Writing: the same rows through the
 * blocks' own {@code ProfilesTable.writer} (same schema, codec and page settings), nothing else
 * (no sort, no checks, no series index or symbols, no fsync). Reading: the same row ranges of the
 * block's own {@code profiles.parquet}, with the blocks' read options, through parquet-java's
 * column readers (no record assembly), summing into dense arrays.
 */
final class ParquetKernels {
  private static final ParquetReadOptions READ = ProfilesTable.readOptions();

  private ParquetKernels() {}

  /** A writer of {@code profiles.parquet} exactly as blocks write it. */
  static ParquetWriter<ProfilesTable.Row> writer(Path path, long rowGroupBytes) throws IOException {
    return ProfilesTable.writer(path, rowGroupBytes, BlockWriter.PAGE_BYTES);
  }

  static ParquetMetadata footer(Path file) throws IOException {
    try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file), READ)) {
      return r.getFooter();
    }
  }

  /** Visits the decoded column values of the selected rows of one row group. */
  interface Pages {
    void read(PageReadStore pages, ColumnReadStoreImpl columns) throws IOException;
  }

  /**
   * Reads the given global row ranges ({@code [from, to)}, sorted, disjoint) of the projected
   * columns, row group by row group, with the offset index (only the pages of those rows).
   */
  static void scan(Path file, ParquetMetadata footer, MessageType projection, long[] from, long[] to, Pages pages)
      throws IOException {
    InputFile in = new LocalInputFile(file);
    try (ParquetFileReader reader = ParquetFileReader.open(in, footer, READ, in.newStream())) {
      reader.setRequestedSchema(projection);
      long start = 0;
      GroupConverter converter = noOp(projection);
      for (int g = 0; g < footer.getBlocks().size(); g++) {
        long end = start + footer.getBlocks().get(g).getRowCount();
        RowRanges.Builder ranges = RowRanges.builder();
        boolean any = false;
        for (int k = 0; k < from.length; k++) {
          long a = Math.max(from[k], start);
          long b = Math.min(to[k], end);
          if (a < b) {
            ranges.addSelectedRange(a - start, b - start - 1);
            any = true;
          }
        }
        if (any) {
          PageReadStore p = reader.readFilteredRowGroup(g, ranges.build());
          try {
            pages.read(p, new ColumnReadStoreImpl(p, converter, projection, footer.getFileMetaData().getCreatedBy()));
          } finally {
            p.close();
          }
        }
        start = end;
      }
    }
  }

  /** Sums {@code samples.value} by {@code samples.stack_id} over the rows (a flame graph's aggregation). */
  static long sumByStack(Path file, ParquetMetadata footer, long[] from, long[] to, long[] byStack) throws IOException {
    MessageType projection = new MessageType("profile", new GroupType(Type.Repetition.REPEATED, "samples",
        footer.getFileMetaData().getSchema().getType("samples").asGroupType().getType("stack_id"),
        footer.getFileMetaData().getSchema().getType("samples").asGroupType().getType("value")));
    long[] total = new long[1];
    scan(file, footer, projection, from, to, (pages, columns) -> {
      ColumnReader stacks = columns.getColumnReader(projection.getColumnDescription(new String[] {"samples", "stack_id"}));
      ColumnReader values = columns.getColumnReader(projection.getColumnDescription(new String[] {"samples", "value"}));
      int present = stacks.getDescriptor().getMaxDefinitionLevel();
      long sum = 0;
      for (long r = pages.getRowCount(); r > 0; r--) {
        do {
          if (stacks.getCurrentDefinitionLevel() == present) {
            long v = values.getLong();
            byStack[stacks.getInteger()] += v;
            sum += v;
          }
          stacks.consume();
          values.consume();
        } while (stacks.getCurrentRepetitionLevel() > 0);
      }
      total[0] += sum;
    });
    return total[0];
  }

  /**
   * Sums {@code total} per series and time step over the rows (a series query's aggregation):
   * {@code sums[series][step]}, step {@code (time - startNanos) / stepNanos}.
   */
  static long sumTotals(Path file, ParquetMetadata footer, long[] from, long[] to, long startNanos, long stepNanos,
      long[][] sums) throws IOException {
    MessageType schema = footer.getFileMetaData().getSchema();
    MessageType projection = new MessageType("profile", schema.getType("series_index"), schema.getType("time_nanos"),
        schema.getType("total"));
    long[] all = new long[1];
    scan(file, footer, projection, from, to, (pages, columns) -> {
      ColumnReader series = columns.getColumnReader(projection.getColumnDescription(new String[] {"series_index"}));
      ColumnReader times = columns.getColumnReader(projection.getColumnDescription(new String[] {"time_nanos"}));
      ColumnReader totals = columns.getColumnReader(projection.getColumnDescription(new String[] {"total"}));
      long sum = 0;
      for (long r = pages.getRowCount(); r > 0; r--) {
        long[] row = sums[series.getInteger()];
        int step = (int) Math.min(row.length - 1, Math.max(0, (times.getLong() - startNanos) / stepNanos));
        long t = totals.getLong();
        row[step] += t;
        sum += t;
        series.consume();
        times.consume();
        totals.consume();
      }
      all[0] += sum;
    });
    return all[0];
  }

  // Column readers find each column's converter through the projection's converter tree; values
  // are read with getInteger/getLong, so every converter is a no-op.
  private static GroupConverter noOp(GroupType type) {
    Converter[] fields = new Converter[type.getFieldCount()];
    for (int i = 0; i < fields.length; i++) {
      Type t = type.getType(i);
      fields[i] = t.isPrimitive() ? new PrimitiveConverter() {} : noOp(t.asGroupType());
    }
    return new GroupConverter() {
      @Override
      public Converter getConverter(int fieldIndex) {
        return fields[fieldIndex];
      }

      @Override
      public void start() {}

      @Override
      public void end() {}
    };
  }

  /** Rows as global row ranges {@code [from, to)}, adjacent ranges joined. */
  static long[][] ranges(List<BlockRows.Range> series) {
    long[] from = new long[series.size()];
    long[] to = new long[series.size()];
    int n = 0;
    for (BlockRows.Range r : series) {
      if (n > 0 && to[n - 1] == r.firstRow()) {
        to[n - 1] += r.rows();
      } else {
        from[n] = r.firstRow();
        to[n++] = r.firstRow() + r.rows();
      }
    }
    return new long[][] {java.util.Arrays.copyOf(from, n), java.util.Arrays.copyOf(to, n)};
  }
}
