package io.flarestack.ingester.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The on-disk layout of the log: segment files named {@code <20-digit number>.wal} in one
 * directory, each starting with a 16-byte header (8-byte magic, then the LSN of its first record)
 * followed by frames: {@code u32 length | u32 crc32c(body) | body}, where body is
 * {@code u64 lsn | payload}. Big-endian. See docs/wal.md.
 */
final class SegmentFiles {
  static final byte[] MAGIC = {'F', 'S', 'W', 'A', 'L', 0, 0, 1};
  static final int HEADER_BYTES = 16;
  static final int FRAME_HEADER_BYTES = 8;
  /** The LSN field at the start of every body. */
  static final int LSN_BYTES = 8;
  /** No push may exceed the gRPC message limit; anything near this is corruption. */
  static final int MAX_BODY_BYTES = 512 << 20;

  private static final Pattern NAME = Pattern.compile("(\\d{20})\\.wal");

  private SegmentFiles() {}

  static Path path(Path dir, long segment) {
    return dir.resolve(String.format("%020d.wal", segment));
  }

  /** The segment numbers present in {@code dir}, ascending; empty when the directory is absent. */
  static List<Long> list(Path dir) throws IOException {
    List<Long> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        Matcher m = NAME.matcher(f.getFileName().toString());
        if (m.matches()) {
          out.add(Long.parseLong(m.group(1)));
        }
      }
    }
    Collections.sort(out);
    return out;
  }

  static ByteBuffer header(long firstLsn) {
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
    b.put(MAGIC).putLong(firstLsn).flip();
    return b;
  }

  /** Makes a new directory entry durable (the file itself is fsynced by its writer). */
  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
