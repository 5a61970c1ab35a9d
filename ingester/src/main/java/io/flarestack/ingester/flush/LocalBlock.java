package io.flarestack.ingester.flush;

import static java.util.Objects.requireNonNull;

import io.flarestack.storage.block.Block;
import io.flarestack.storage.block.BlockMeta;
import java.nio.file.Path;

/**
 * A block written by this ingester under {@code <data>/local/<tenant>/<ULID>/}: served to queries
 * from local disk until it is uploaded and then for the retention period. Until it is uploaded
 * it keeps the write-ahead log segments from {@link #minSegment()} on. Thread-safe.
 */
final class LocalBlock {
  private final String tenant;
  private final Path dir;
  private final Block block;
  private final long minSegment;
  private final long windowStartNanos;
  private final long coveredLsn;
  private volatile long uploadedAtMillis;

  LocalBlock(String tenant, Path dir, Block block, long minSegment, long uploadedAtMillis, long windowStartNanos,
      long coveredLsn) {
    this.tenant = requireNonNull(tenant, "tenant is null");
    this.dir = requireNonNull(dir, "dir is null");
    this.block = requireNonNull(block, "block is null");
    this.minSegment = minSegment;
    this.uploadedAtMillis = uploadedAtMillis;
    this.windowStartNanos = windowStartNanos;
    this.coveredLsn = coveredLsn;
  }

  /** The head window it was cut from. */
  long windowStartNanos() {
    return windowStartNanos;
  }

  /** Log records up to this LSN (for its tenant and window) are in this block or an earlier one; -1 unknown. */
  long coveredLsn() {
    return coveredLsn;
  }

  String tenant() {
    return tenant;
  }

  Path dir() {
    return dir;
  }

  Block block() {
    return block;
  }

  BlockMeta meta() {
    return block.meta();
  }

  String id() {
    return block.meta().ulid();
  }

  /** The oldest log segment that fed it ({@link Long#MAX_VALUE} when unknown). */
  long minSegment() {
    return minSegment;
  }

  boolean uploaded() {
    return uploadedAtMillis > 0;
  }

  long uploadedAtMillis() {
    return uploadedAtMillis;
  }

  void markUploaded(long atMillis) {
    uploadedAtMillis = atMillis;
  }
}
