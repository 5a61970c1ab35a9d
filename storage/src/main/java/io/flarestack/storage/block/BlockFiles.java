package io.flarestack.storage.block;

import static java.util.Objects.requireNonNull;

import io.flarestack.objstore.Bucket;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where a block's files are read from: a bucket (ranged GETs of {@code <tenant>/<ulid>/<file>})
 * or a local directory. Sizes come from meta.json, so opening a file costs no request.
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface BlockFiles {
  /**
   * @param size the file size listed in meta.json
   */
  RangeReader open(String relPath, long size) throws IOException;

  /** Files of the block stored under {@code prefix} (e.g. {@code tenant/ULID/}) in a bucket. */
  static BlockFiles bucket(Bucket bucket, String prefix, ReadStats stats) {
    requireNonNull(bucket, "bucket is null");
    requireNonNull(prefix, "prefix is null");
    requireNonNull(stats, "stats is null");
    return (relPath, size) -> new RangeReader() {
      private final String key = prefix + relPath;

      @Override
      public long length() {
        return size;
      }

      @Override
      public void readFully(long offset, byte[] dst, int dstOffset, int len) throws IOException {
        if (offset < 0 || offset + len > size) {
          throw new EOFException(bucket.name() + ": read of " + len + " bytes at " + offset + " outside " + key
              + " (" + size + " bytes)");
        }
        try (InputStream in = bucket.getRange(key, offset, len)) {
          int got = in.readNBytes(dst, dstOffset, len);
          if (got != len) {
            throw new EOFException(bucket.name() + ": " + key + " ended after " + got + " of " + len
                + " bytes at offset " + offset + " (object shorter than meta.json says)");
          }
        }
        stats.record(len);
      }
    };
  }

  /** Files of a block in a local directory. */
  static BlockFiles local(Path dir, ReadStats stats) {
    requireNonNull(dir, "dir is null");
    requireNonNull(stats, "stats is null");
    return (relPath, size) -> new RangeReader() {
      private final Path path = dir.resolve(relPath);

      @Override
      public long length() {
        return size;
      }

      @Override
      public void readFully(long offset, byte[] dst, int dstOffset, int len) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
          ByteBuffer b = ByteBuffer.wrap(dst, dstOffset, len);
          long at = offset;
          while (b.hasRemaining()) {
            int n = ch.read(b, at);
            if (n < 0) {
              throw new EOFException(path + " ended at " + at + " while reading " + len + " bytes at " + offset);
            }
            at += n;
          }
        }
        stats.record(len);
      }
    };
  }
}
