package org.apache.parquet;

import java.util.HashMap;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.format.converter.ParquetMetadataConverter;

/**
 * Builds {@link ParquetReadOptions} without touching Hadoop. parquet-java's builder always
 * creates its Hadoop codec factory (which loads Hadoop classes) before one can pass another;
 * the options' all-arguments constructor is package-private, hence this class in Parquet's
 * package (a split package: fine on the class path). Part of Flarestack, not of Parquet.
 */
public final class HadoopFreeReadOptions {
  private static final int MAX_ALLOCATION_BYTES = 8 << 20;

  private HadoopFreeReadOptions() {}

  /** Parquet's default read options, with {@code codecs} and page checksum verification. */
  public static ParquetReadOptions create(CompressionCodecFactory codecs) {
    return new ParquetReadOptions(
        false, // useSignedStringMinMax
        true, // useStatsFilter
        true, // useDictionaryFilter
        true, // useRecordFilter
        true, // useColumnIndexFilter
        true, // usePageChecksumVerification
        true, // useBloomFilter
        false, // useOffHeapDecryptBuffer
        false, // useHadoopVectoredIo
        FilterCompat.NOOP,
        ParquetMetadataConverter.NO_FILTER,
        codecs,
        new HeapByteBufferAllocator(),
        MAX_ALLOCATION_BYTES,
        new HashMap<>(),
        null,
        null,
        new PlainParquetConfiguration());
  }
}
