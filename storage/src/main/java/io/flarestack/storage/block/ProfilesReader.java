package io.flarestack.storage.block;

import io.flarestack.common.cancel.Cancellation;
import io.flarestack.common.cancel.QueryCancelledException;
import io.flarestack.storage.query.ProfileRowView;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.filter2.columnindex.RowRanges;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;

/**
 * Reads selected rows of {@code profiles.parquet} through ranged reads: the footer once, then per
 * scan only the row groups that hold selected rows, and within them (through the offset index)
 * only the pages of the selected rows, of the projected columns. Rows are decoded into one
 * reused buffer: no allocation per row or sample beyond growing that buffer. Thread-safe: each
 * scan opens its own Parquet reader over the shared footer.
 */
final class ProfilesReader {
  private final RangeReader file;
  private final ParquetMetadata footer;
  private final ParquetReadOptions options = ProfilesTable.readOptions();
  private final long[] rowGroupStart;

  private ProfilesReader(RangeReader file, ParquetMetadata footer) {
    this.file = file;
    this.footer = footer;
    List<BlockMetaData> groups = footer.getBlocks();
    rowGroupStart = new long[groups.size() + 1];
    for (int i = 0; i < groups.size(); i++) {
      rowGroupStart[i + 1] = rowGroupStart[i] + groups.get(i).getRowCount();
    }
  }

  /**
   * Reads the footer.
   *
   * @throws CorruptBlockException when the file is not Parquet or not our schema
   */
  static ProfilesReader open(RangeReader file, String what) throws IOException {
    ParquetMetadata footer;
    try (ParquetFileReader r = ParquetFileReader.open(new RangeInputFile(file), ProfilesTable.readOptions())) {
      footer = r.getFooter();
    } catch (RuntimeException e) {
      throw new CorruptBlockException(what + ": not a readable Parquet file: " + e.getMessage(), e);
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().contains("not a Parquet file")) {
        throw new CorruptBlockException(what + ": " + e.getMessage(), e);
      }
      throw e;
    }
    MessageType schema = footer.getFileMetaData().getSchema();
    try {
      schema.checkContains(ProfilesTable.SCHEMA);
      ProfilesTable.SCHEMA.checkContains(schema);
    } catch (RuntimeException e) {
      throw new CorruptBlockException(what + ": unexpected schema " + schema, e);
    }
    return new ProfilesReader(file, footer);
  }

  long rowCount() {
    return rowGroupStart[rowGroupStart.length - 1];
  }

  int rowGroupCount() {
    return footer.getBlocks().size();
  }

  /** Receives decoded rows; the row is reused after the call. */
  interface Visitor {
    void row(Row row);
  }

  /**
   * Visits every row in the given ranges of global row numbers ({@code from[i]} inclusive,
   * {@code to[i]} exclusive; sorted, disjoint), in row order. Stops with
   * {@link QueryCancelledException} when the query's context is cancelled (checked per row group
   * and every so many rows).
   */
  void scan(long[] from, long[] to, boolean samples, boolean spans, Visitor visitor) throws IOException {
    MessageType projection = ProfilesTable.projection(samples, spans);
    MessageColumnIO io = new ColumnIOFactory(footer.getFileMetaData().getCreatedBy())
        .getColumnIO(projection, footer.getFileMetaData().getSchema());
    Row row = new Row(projection);
    Cancellation cancel = Cancellation.current();
    int range = 0;
    try (ParquetFileReader reader = ParquetFileReader.open(new RangeInputFile(file), footer, options,
        new RangeInputFile(file).newStream())) {
      reader.setRequestedSchema(projection);
      for (int g = 0; g < rowGroupCount() && range < from.length; g++) {
        long gStart = rowGroupStart[g];
        long gEnd = rowGroupStart[g + 1];
        while (range < from.length && to[range] <= gStart) {
          range++;
        }
        if (range == from.length || from[range] >= gEnd) {
          continue;
        }
        cancel.checkNow(); // before reading the group's pages
        RowRanges.Builder ranges = RowRanges.builder();
        long selected = 0;
        for (int k = range; k < from.length && from[k] < gEnd; k++) {
          long a = Math.max(from[k], gStart) - gStart;
          long b = Math.min(to[k], gEnd) - gStart; // exclusive
          if (a < b) {
            ranges.addSelectedRange(a, b - 1);
            selected += b - a;
          }
        }
        PageReadStore pages = selected == gEnd - gStart
            ? reader.readRowGroup(g)
            : reader.readFilteredRowGroup(g, ranges.build());
        if (pages == null) {
          continue;
        }
        try {
          RecordReader<Row> records = io.getRecordReader(pages, row.materializer, FilterCompat.NOOP);
          long n = pages.getRowCount();
          for (long i = 0; i < n; i++) {
            records.read();
            try {
              cancel.check();
              visitor.row(row);
            } catch (RuntimeException e) {
              throw new VisitorFailure(e);
            }
          }
        } finally {
          pages.close();
        }
      }
    } catch (VisitorFailure e) {
      throw e.getCause();
    } catch (QueryCancelledException e) {
      throw e; // not a fault of the file
    } catch (RuntimeException e) {
      throw new CorruptBlockException("profiles.parquet: " + e.getMessage(), e);
    }
  }

  /** Carries the visitor's own exception past the handler that classifies Parquet's. */
  private static final class VisitorFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    VisitorFailure(RuntimeException cause) {
      super(cause);
    }

    @Override
    public synchronized RuntimeException getCause() {
      return (RuntimeException) super.getCause();
    }
  }

  /** The decode buffer of one row, filled by Parquet's record assembly through converters. */
  static final class Row implements ProfileRowView {
    int series;
    long time;
    long total;
    int n;
    int[] stacks = new int[256];
    long[] values = new long[256];
    long[] spans = new long[256];
    boolean hasSpans;
    final RecordMaterializer<Row> materializer;

    Row(MessageType projection) {
      GroupConverter root = new Root(projection);
      materializer = new RecordMaterializer<>() {
        @Override
        public Row getCurrentRecord() {
          return Row.this;
        }

        @Override
        public GroupConverter getRootConverter() {
          return root;
        }
      };
    }

    int series() {
      return series;
    }

    @Override
    public long timeNanos() {
      return time;
    }

    @Override
    public String profileId() {
      return "";
    }

    @Override
    public long total() {
      return total;
    }

    @Override
    public int sampleCount() {
      return n;
    }

    @Override
    public int stackId(int i) {
      return stacks[i];
    }

    @Override
    public long value(int i) {
      return values[i];
    }

    @Override
    public boolean hasSpans() {
      return hasSpans;
    }

    @Override
    public long spanId(int i) {
      return hasSpans ? spans[i] : 0;
    }

    private final class Root extends GroupConverter {
      private final Converter[] fields;

      Root(MessageType projection) {
        fields = new Converter[projection.getFieldCount()];
        for (int i = 0; i < fields.length; i++) {
          String name = projection.getFieldName(i);
          fields[i] = switch (name) {
            case ProfilesTable.SERIES_INDEX -> new PrimitiveConverter() {
              @Override
              public void addInt(int value) {
                series = value;
              }
            };
            case ProfilesTable.TIME_NANOS -> new PrimitiveConverter() {
              @Override
              public void addLong(long value) {
                time = value;
              }
            };
            case ProfilesTable.TOTAL -> new PrimitiveConverter() {
              @Override
              public void addLong(long value) {
                total = value;
              }
            };
            case ProfilesTable.SAMPLES -> new Samples(projection.getType(i).asGroupType());
            default -> new PrimitiveConverter() {
              @Override
              public void addBinary(Binary value) {}
            };
          };
        }
      }

      @Override
      public Converter getConverter(int fieldIndex) {
        return fields[fieldIndex];
      }

      @Override
      public void start() {
        n = 0;
        hasSpans = false;
      }

      @Override
      public void end() {}
    }

    private final class Samples extends GroupConverter {
      private final Converter[] fields;

      Samples(GroupType type) {
        fields = new Converter[type.getFieldCount()];
        for (int i = 0; i < fields.length; i++) {
          fields[i] = switch (type.getFieldName(i)) {
            case ProfilesTable.STACK_ID -> new PrimitiveConverter() {
              @Override
              public void addInt(int value) {
                stacks[n] = value;
              }
            };
            case ProfilesTable.VALUE -> new PrimitiveConverter() {
              @Override
              public void addLong(long value) {
                values[n] = value;
              }
            };
            default -> new PrimitiveConverter() {
              @Override
              public void addLong(long value) {
                spans[n] = value;
                hasSpans = true;
              }
            };
          };
        }
      }

      @Override
      public Converter getConverter(int fieldIndex) {
        return fields[fieldIndex];
      }

      @Override
      public void start() {
        if (n == stacks.length) {
          stacks = Arrays.copyOf(stacks, n * 2);
          values = Arrays.copyOf(values, n * 2);
          spans = Arrays.copyOf(spans, n * 2);
        }
        spans[n] = 0;
      }

      @Override
      public void end() {
        n++;
      }
    }
  }
}
