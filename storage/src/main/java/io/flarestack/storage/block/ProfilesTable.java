package io.flarestack.storage.block;

import io.flarestack.storage.query.ProfileRowView;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import org.apache.parquet.HadoopFreeReadOptions;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * {@code profiles.parquet}: one row per stored profile (one sample type of one pushed profile),
 * sorted by series (the series index order) then time. zstd on every page, Parquet v2 pages
 * (delta-binary-packed integers where dictionaries do not pay), column and offset indexes so a
 * reader can fetch only the pages of the rows it selects. Written and read without Hadoop: the
 * codec factory is {@link ZstdCodecFactory} and the configuration
 * {@link PlainParquetConfiguration}.
 *
 * <p>Public for tools that must read or write {@code profiles.parquet} exactly as blocks do (the
 * block benchmarks' Parquet kernels); blocks themselves are written by {@link BlockWriter} and
 * read through {@code Block}. Stateless; writers and read options are not shared between threads.
 *
 * <pre>
 * message profile {
 *   required int32 series_index;                 -- position in series.idx
 *   required int64 time_nanos (TIMESTAMP(NANOS));
 *   required int64 total;                        -- sum of the values
 *   required binary profile_id (STRING);         -- the distributor's UUID
 *   repeated group samples {                     -- sorted by stack_id, then span_id
 *     required int32 stack_id;                   -- node of the partition's stack tree
 *     required int64 value;
 *     optional int64 span_id;                    -- present only on samples that carry one
 *   }
 * }
 * </pre>
 */
public final class ProfilesTable {
  static final String SERIES_INDEX = "series_index";
  static final String TIME_NANOS = "time_nanos";
  static final String TOTAL = "total";
  static final String PROFILE_ID = "profile_id";
  static final String SAMPLES = "samples";
  static final String STACK_ID = "stack_id";
  static final String VALUE = "value";
  static final String SPAN_ID = "span_id";

  private static final PrimitiveType SERIES_INDEX_TYPE = Types.required(PrimitiveTypeName.INT32).named(SERIES_INDEX);
  private static final PrimitiveType TIME_TYPE = Types.required(PrimitiveTypeName.INT64)
      .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.NANOS)).named(TIME_NANOS);
  private static final PrimitiveType TOTAL_TYPE = Types.required(PrimitiveTypeName.INT64).named(TOTAL);
  private static final PrimitiveType PROFILE_ID_TYPE = Types.required(PrimitiveTypeName.BINARY)
      .as(LogicalTypeAnnotation.stringType()).named(PROFILE_ID);
  private static final PrimitiveType STACK_ID_TYPE = Types.required(PrimitiveTypeName.INT32).named(STACK_ID);
  private static final PrimitiveType VALUE_TYPE = Types.required(PrimitiveTypeName.INT64).named(VALUE);
  private static final PrimitiveType SPAN_ID_TYPE = Types.optional(PrimitiveTypeName.INT64).named(SPAN_ID);

  static final MessageType SCHEMA = new MessageType("profile", SERIES_INDEX_TYPE, TIME_TYPE, TOTAL_TYPE, PROFILE_ID_TYPE,
      new GroupType(Type.Repetition.REPEATED, SAMPLES, STACK_ID_TYPE, VALUE_TYPE, SPAN_ID_TYPE));

  private ProfilesTable() {}

  /** The columns a scan reads: always series, time and total; samples and spans on demand. */
  static MessageType projection(boolean samples, boolean spans) {
    if (!samples) {
      return new MessageType("profile", SERIES_INDEX_TYPE, TIME_TYPE, TOTAL_TYPE);
    }
    GroupType group = spans
        ? new GroupType(Type.Repetition.REPEATED, SAMPLES, STACK_ID_TYPE, VALUE_TYPE, SPAN_ID_TYPE)
        : new GroupType(Type.Repetition.REPEATED, SAMPLES, STACK_ID_TYPE, VALUE_TYPE);
    return new MessageType("profile", SERIES_INDEX_TYPE, TIME_TYPE, TOTAL_TYPE, group);
  }

  /** Read options without Hadoop, with the blocks' codecs. */
  public static ParquetReadOptions readOptions() {
    return HadoopFreeReadOptions.create(ZstdCodecFactory.INSTANCE);
  }

  /** A row to write: the series ordinal and the profile. */
  public record Row(int series, ProfileRowView profile) {}

  /** Opens a writer for {@code path}; rows must arrive in series then time order. */
  public static ParquetWriter<Row> writer(Path path, long rowGroupBytes, int pageBytes) throws IOException {
    return new Builder(path)
        .withConf(new PlainParquetConfiguration())
        .withCodecFactory(ZstdCodecFactory.INSTANCE)
        .withCompressionCodec(CompressionCodecName.ZSTD)
        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .withRowGroupSize(rowGroupBytes)
        .withPageSize(pageBytes)
        // Check the page size after every row, not every 100: a row holds up to thousands of
        // samples, and pages must stay small for selective reads to skip them.
        .withMinRowCountForPageSizeCheck(1)
        .withMaxRowCountForPageSizeCheck(64)
        .withDictionaryEncoding(true)
        .withDictionaryEncoding(SAMPLES + "." + STACK_ID, false)
        .withPageWriteChecksumEnabled(true)
        .build();
  }

  private static final class Builder extends ParquetWriter.Builder<Row, Builder> {
    Builder(Path path) {
      super(new LocalOutputFile(path));
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Row> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
      return new RowWriteSupport();
    }

    @Override
    protected WriteSupport<Row> getWriteSupport(ParquetConfiguration conf) {
      return new RowWriteSupport();
    }
  }

  /** Emits rows field by field; no intermediate objects. */
  private static final class RowWriteSupport extends WriteSupport<Row> {
    private RecordConsumer out;

    @Override
    public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
      return new WriteContext(SCHEMA, new HashMap<>());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
      return new WriteContext(SCHEMA, new HashMap<>());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.out = recordConsumer;
    }

    @Override
    public String getName() {
      return "flarestack";
    }

    @Override
    public void write(Row row) {
      ProfileRowView p = row.profile();
      out.startMessage();
      out.startField(SERIES_INDEX, 0);
      out.addInteger(row.series());
      out.endField(SERIES_INDEX, 0);
      out.startField(TIME_NANOS, 1);
      out.addLong(p.timeNanos());
      out.endField(TIME_NANOS, 1);
      out.startField(TOTAL, 2);
      out.addLong(p.total());
      out.endField(TOTAL, 2);
      out.startField(PROFILE_ID, 3);
      out.addBinary(Binary.fromString(p.profileId()));
      out.endField(PROFILE_ID, 3);
      int n = p.sampleCount();
      if (n > 0) {
        out.startField(SAMPLES, 4);
        for (int i = 0; i < n; i++) {
          out.startGroup();
          out.startField(STACK_ID, 0);
          out.addInteger(p.stackId(i));
          out.endField(STACK_ID, 0);
          out.startField(VALUE, 1);
          out.addLong(p.value(i));
          out.endField(VALUE, 1);
          long span = p.spanId(i);
          if (span != 0) {
            out.startField(SPAN_ID, 2);
            out.addLong(span);
            out.endField(SPAN_ID, 2);
          }
          out.endGroup();
        }
        out.endField(SAMPLES, 4);
      }
      out.endMessage();
    }
  }
}
