package io.flarestack.ingester;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.Option;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The ingester's settings.
 *
 * @param maxLocalSeriesPerTenant series a tenant may have in one head window; 0 = unlimited
 * @param dataPath local storage: the write-ahead log ({@code wal/}) and blocks written but not
 *     yet uploaded or still retained ({@code local/})
 * @param walSegmentBytes a WAL segment is closed once it holds this many bytes
 * @param maxBlockDuration the head window: profiles are grouped per tenant into windows of this
 *     length (aligned to the Unix epoch), each cut into one block
 * @param blockCutDelay how long after its window ends a head is cut (late profiles still join it)
 * @param rowGroupTargetBytes in-memory size at which the block writer closes a Parquet row group
 * @param uploadedBlockRetention how long the ingester keeps serving a block after uploading it,
 *     so queries stay complete until the store-gateways have seen it
 */
public record IngesterConfig(
    int maxLocalSeriesPerTenant,
    Path dataPath,
    long walSegmentBytes,
    Duration maxBlockDuration,
    Duration blockCutDelay,
    long rowGroupTargetBytes,
    Duration uploadedBlockRetention) {
  public static final Option<Integer> MAX_LOCAL_SERIES_PER_TENANT = Option.integer(
      "limits.max_local_series_per_tenant", "ingester.max-local-series-per-tenant", 0,
      "Maximum number of active series per tenant in one ingester; 0 disables the limit.");
  public static final Option<String> DATA_PATH = Option.string("pyroscopedb.data_path", "pyroscopedb.data-path",
      "./data", "Directory of the ingester's write-ahead log and of its blocks before upload.");
  public static final Option<Long> WAL_SEGMENT_SIZE = Option.bytes("pyroscopedb.wal_segment_size",
      "pyroscopedb.wal-segment-size", 64L << 20, "Size at which a write-ahead log segment file is closed.");
  public static final Option<Duration> MAX_BLOCK_DURATION = Option.duration("pyroscopedb.max_block_duration",
      "pyroscopedb.max-block-duration", Duration.ofHours(1), "Upper limit to the duration of a block.");
  public static final Option<Duration> BLOCK_CUT_DELAY = Option.duration("pyroscopedb.block_cut_delay",
      "pyroscopedb.block-cut-delay", Duration.ofMinutes(1),
      "How long after the end of its window a head block is cut, so late profiles still join it.");
  public static final Option<Long> ROW_GROUP_TARGET_SIZE = Option.bytes("pyroscopedb.row_group_target_size",
      "pyroscopedb.row-group-target-size", 64L << 20, "How big should a single row group be.");
  public static final Option<Duration> UPLOADED_BLOCK_RETENTION = Option.duration(
      "pyroscopedb.uploaded_block_retention", "pyroscopedb.uploaded-block-retention", Duration.ofMinutes(30),
      "How long an uploaded block stays on local disk and is served by the ingester; keep it above the "
          + "store-gateway sync interval.");

  public IngesterConfig {
    requireNonNull(dataPath, "dataPath is null");
    requireNonNull(maxBlockDuration, "maxBlockDuration is null");
    requireNonNull(blockCutDelay, "blockCutDelay is null");
    requireNonNull(uploadedBlockRetention, "uploadedBlockRetention is null");
    List<String> problems = problems(maxLocalSeriesPerTenant, walSegmentBytes, maxBlockDuration, blockCutDelay,
        rowGroupTargetBytes, uploadedBlockRetention);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  public static List<Option<?>> options() {
    return List.of(MAX_LOCAL_SERIES_PER_TENANT, DATA_PATH, WAL_SEGMENT_SIZE, MAX_BLOCK_DURATION, BLOCK_CUT_DELAY,
        ROW_GROUP_TARGET_SIZE, UPLOADED_BLOCK_RETENTION);
  }

  /** Problems with the values, each naming the option; empty when valid. */
  public static List<String> validate(ConfigValues v) {
    return problems(v.get(MAX_LOCAL_SERIES_PER_TENANT), v.get(WAL_SEGMENT_SIZE), v.get(MAX_BLOCK_DURATION),
        v.get(BLOCK_CUT_DELAY), v.get(ROW_GROUP_TARGET_SIZE), v.get(UPLOADED_BLOCK_RETENTION));
  }

  private static List<String> problems(int maxSeries, long walSegmentBytes, Duration maxBlockDuration,
      Duration cutDelay, long rowGroupBytes, Duration retention) {
    List<String> p = new ArrayList<>();
    if (maxSeries < 0) {
      p.add(MAX_LOCAL_SERIES_PER_TENANT.describe() + " must be >= 0, got " + maxSeries);
    }
    if (walSegmentBytes < 64 << 10) {
      p.add(WAL_SEGMENT_SIZE.describe() + " must be at least 64KiB, got " + walSegmentBytes + " bytes");
    }
    if (maxBlockDuration.toMillis() < 1000) {
      p.add(MAX_BLOCK_DURATION.describe() + " must be at least 1s, got " + maxBlockDuration);
    }
    if (cutDelay.isNegative()) {
      p.add(BLOCK_CUT_DELAY.describe() + " must not be negative, got " + cutDelay);
    }
    if (rowGroupBytes < 1 << 20) {
      p.add(ROW_GROUP_TARGET_SIZE.describe() + " must be at least 1MiB, got " + rowGroupBytes + " bytes");
    }
    if (retention.isNegative()) {
      p.add(UPLOADED_BLOCK_RETENTION.describe() + " must not be negative, got " + retention);
    }
    return p;
  }

  public static IngesterConfig from(ConfigValues v) {
    return new IngesterConfig(v.get(MAX_LOCAL_SERIES_PER_TENANT), Path.of(v.get(DATA_PATH)), v.get(WAL_SEGMENT_SIZE),
        v.get(MAX_BLOCK_DURATION), v.get(BLOCK_CUT_DELAY), v.get(ROW_GROUP_TARGET_SIZE),
        v.get(UPLOADED_BLOCK_RETENTION));
  }

  /** The defaults with local storage under {@code dataPath}. */
  public static IngesterConfig defaults(Path dataPath) {
    return new IngesterConfig(0, dataPath, WAL_SEGMENT_SIZE.defaultValue(), MAX_BLOCK_DURATION.defaultValue(),
        BLOCK_CUT_DELAY.defaultValue(), ROW_GROUP_TARGET_SIZE.defaultValue(), UPLOADED_BLOCK_RETENTION.defaultValue());
  }

  public IngesterConfig withMaxLocalSeriesPerTenant(int n) {
    return new IngesterConfig(n, dataPath, walSegmentBytes, maxBlockDuration, blockCutDelay, rowGroupTargetBytes,
        uploadedBlockRetention);
  }

  public IngesterConfig withWalSegmentBytes(long bytes) {
    return new IngesterConfig(maxLocalSeriesPerTenant, dataPath, bytes, maxBlockDuration, blockCutDelay,
        rowGroupTargetBytes, uploadedBlockRetention);
  }

  public IngesterConfig withBlocks(Duration maxBlockDuration, Duration blockCutDelay) {
    return new IngesterConfig(maxLocalSeriesPerTenant, dataPath, walSegmentBytes, maxBlockDuration, blockCutDelay,
        rowGroupTargetBytes, uploadedBlockRetention);
  }

  public IngesterConfig withUploadedBlockRetention(Duration retention) {
    return new IngesterConfig(maxLocalSeriesPerTenant, dataPath, walSegmentBytes, maxBlockDuration, blockCutDelay,
        rowGroupTargetBytes, retention);
  }

  /** The write-ahead log's directory. */
  public Path walDir() {
    return dataPath.resolve("wal");
  }

  /** Where blocks are written before upload and kept while retained. */
  public Path localBlocksDir() {
    return dataPath.resolve("local");
  }
}
