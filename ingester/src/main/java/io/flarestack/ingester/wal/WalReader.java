package io.flarestack.ingester.wal;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one segment front to back for replay. A record that is cut short (a crash in the
 * middle of a write) or whose CRC does not match ends the segment: the file is truncated at that
 * record, which is logged and counted, and the records before it are kept. Such a tail was never
 * acknowledged: a push is acknowledged only after its whole group was written and fsynced.
 */
final class WalReader {
  private static final Logger log = LoggerFactory.getLogger(WalReader.class);

  /**
   * @param firstLsn the LSN in the header, or -1 when the header was unusable
   * @param lastLsn the LSN of the last intact record, or -1 when there was none
   * @param records intact records read
   * @param truncated whether a torn or corrupt tail was cut off
   */
  record Result(long firstLsn, long lastLsn, long records, boolean truncated) {}

  private WalReader() {}

  static Result read(Path path, long segment, Wal.RecordHandler handler, WalMetrics metrics) throws IOException {
    long fileSize = Files.size(path);
    long offset = 0;
    long firstLsn = -1;
    long lastLsn = -1;
    long records = 0;
    String problem = null;
    try (InputStream raw = Files.newInputStream(path);
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
      byte[] header = new byte[SegmentFiles.HEADER_BYTES];
      if (fileSize < SegmentFiles.HEADER_BYTES) {
        // A crash while the segment was being created: it never held a record.
        in.close();
        metrics.corruptions.increment();
        log.warn("write-ahead log {}: the segment header is cut short ({} bytes); deleting the empty segment", path,
            fileSize);
        Files.delete(path);
        return new Result(-1, -1, 0, true);
      } else {
        in.readFully(header);
        if (!Arrays.equals(Arrays.copyOf(header, SegmentFiles.MAGIC.length), SegmentFiles.MAGIC)) {
          quarantine(path, metrics);
          return new Result(-1, -1, 0, true);
        }
        firstLsn = ByteBuffer.wrap(header).getLong(SegmentFiles.MAGIC.length);
        offset = SegmentFiles.HEADER_BYTES;
      }
      CRC32C crc = new CRC32C();
      byte[] frame = new byte[SegmentFiles.FRAME_HEADER_BYTES];
      while (problem == null && offset < fileSize) {
        if (fileSize - offset < SegmentFiles.FRAME_HEADER_BYTES) {
          problem = "a record header is cut short";
          break;
        }
        in.readFully(frame);
        ByteBuffer f = ByteBuffer.wrap(frame);
        int length = f.getInt(0);
        int expectedCrc = f.getInt(4);
        if (length < SegmentFiles.LSN_BYTES || length > SegmentFiles.MAX_BODY_BYTES) {
          problem = "a record has an impossible length " + length;
          break;
        }
        if (fileSize - offset - SegmentFiles.FRAME_HEADER_BYTES < length) {
          problem = "a record of " + length + " bytes is cut short";
          break;
        }
        byte[] body = new byte[length];
        in.readFully(body);
        crc.reset();
        crc.update(body);
        if ((int) crc.getValue() != expectedCrc) {
          problem = "a record fails its CRC32C check";
          break;
        }
        long lsn = ByteBuffer.wrap(body).getLong(0);
        WalRecord record;
        try {
          record = WalRecord.decode(body, SegmentFiles.LSN_BYTES, length - SegmentFiles.LSN_BYTES);
        } catch (IOException e) {
          // The CRC matched, so this is what was written: skip the record, keep the rest.
          log.error("write-ahead log {}: record LSN {} at offset {} cannot be decoded, skipped: {}", path, lsn, offset,
              e.getMessage());
          metrics.corruptions.increment();
          offset += SegmentFiles.FRAME_HEADER_BYTES + length;
          continue;
        }
        handler.record(lsn, segment, record);
        records++;
        lastLsn = lsn;
        offset += SegmentFiles.FRAME_HEADER_BYTES + length;
      }
    } catch (EOFException e) {
      problem = "the file ended inside a record";
    }
    if (problem == null) {
      return new Result(firstLsn, lastLsn, records, false);
    }
    metrics.corruptions.increment();
    log.warn("write-ahead log {}: {} at offset {}; truncating the segment there ({} intact records kept, {} bytes dropped)",
        path, problem, offset, records, fileSize - offset);
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
      ch.truncate(offset);
      ch.force(true);
    }
    return new Result(firstLsn, lastLsn, records, true);
  }

  /** A file with our name but not our header: set aside, never deleted, never replayed. */
  private static void quarantine(Path path, WalMetrics metrics) throws IOException {
    metrics.corruptions.increment();
    Path aside = path.resolveSibling(path.getFileName() + ".corrupt");
    log.error("write-ahead log {}: not a segment (bad magic); moved aside to {}", path, aside);
    Files.move(path, aside, StandardCopyOption.REPLACE_EXISTING);
  }
}
