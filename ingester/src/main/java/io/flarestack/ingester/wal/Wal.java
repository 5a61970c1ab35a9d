package io.flarestack.ingester.wal;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingester's write-ahead log: numbered segment files in one directory, records framed with
 * their length and a CRC32C, group-committed by one writer thread (see {@link WalWriter}).
 * Lifecycle: {@link #open} lists the segments, {@link #replay} reads them once, {@link #start}
 * begins writing (always into a new segment), {@link #close} stops. Segments are removed only
 * through {@link #deleteSegmentsBefore}, by the owner that knows which records are covered by
 * uploaded blocks. The format is described in docs/wal.md. Thread-safe after {@link #start}.
 */
public final class Wal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Wal.class);

  /** Receives each intact record at replay, in log order. */
  @FunctionalInterface
  public interface RecordHandler {
    void record(long lsn, long segment, WalRecord record);
  }

  private final Path dir;
  private final long segmentBytes;
  private final WalMetrics metrics;
  /** segment number → LSN of its first record. */
  private final ConcurrentSkipListMap<Long, Long> segments = new ConcurrentSkipListMap<>();
  private long lastReplayedLsn = -1;
  private boolean replayed;
  private volatile WalWriter writer;

  private Wal(Path dir, long segmentBytes, MeterRegistry registry) {
    this.dir = requireNonNull(dir, "dir is null");
    if (segmentBytes < 1024) {
      throw new IllegalArgumentException("WAL segment size must be at least 1024 bytes, got " + segmentBytes);
    }
    this.segmentBytes = segmentBytes;
    this.metrics = new WalMetrics(requireNonNull(registry, "registry is null"));
  }

  /**
   * Opens the log in {@code dir} (which need not exist yet) without reading or writing anything.
   *
   * @param segmentBytes a segment is closed once it holds this many bytes
   */
  public static Wal open(Path dir, long segmentBytes, MeterRegistry registry) {
    return new Wal(dir, segmentBytes, registry);
  }

  public Path dir() {
    return dir;
  }

  /**
   * Reads every segment in order and hands each intact record to {@code handler}. A torn or
   * corrupt record ends its segment (the file is truncated there); the next segment is still read.
   *
   * @return the number of records replayed
   * @throws IOException when a segment cannot be read at all
   */
  public synchronized long replay(RecordHandler handler) throws IOException {
    if (replayed || writer != null) {
      throw new IllegalStateException("the WAL in " + dir + " was already replayed or started");
    }
    replayed = true;
    long total = 0;
    for (long segment : SegmentFiles.list(dir)) {
      Path path = SegmentFiles.path(dir, segment);
      WalReader.Result r = WalReader.read(path, segment, handler, metrics);
      total += r.records();
      if (r.lastLsn() >= 0) {
        lastReplayedLsn = Math.max(lastReplayedLsn, r.lastLsn());
      }
      if (Files.exists(path)) {
        segments.put(segment, r.firstLsn() >= 0 ? r.firstLsn() : lastReplayedLsn + 1);
      }
    }
    metrics.replayedRecords.increment(total);
    metrics.segments.set(segments.size());
    if (total > 0) {
      log.info("write-ahead log {}: replayed {} records from {} segments (last LSN {})", dir, total, segments.size(),
          lastReplayedLsn);
    }
    return total;
  }

  /**
   * Starts the writer. New records get LSNs above every replayed one and above {@code lsnFloor}
   * (the owner's persisted high-water mark, so LSNs never repeat even after every segment was
   * deleted), and go to a new segment.
   */
  public synchronized void start(long lsnFloor) throws IOException {
    if (writer != null) {
      throw new IllegalStateException("the WAL in " + dir + " is already started");
    }
    if (!replayed) {
      // Learn the existing segments even when the owner skips replay.
      for (long segment : SegmentFiles.list(dir)) {
        segments.putIfAbsent(segment, 0L);
      }
    }
    long nextSegment = segments.isEmpty() ? 1 : segments.lastKey() + 1;
    long nextLsn = Math.max(lastReplayedLsn + 1, Math.max(lsnFloor, 1));
    WalWriter w = new WalWriter(dir, segmentBytes, nextLsn, nextSegment, metrics, (segment, firstLsn) -> {
      segments.put(segment, firstLsn);
      metrics.segments.set(segments.size());
    });
    w.start();
    writer = w;
  }

  /**
   * Appends a record. The future completes with its position once the record is on disk, or
   * fails with a {@link io.flarestack.common.errors.FlarestackException} (unavailable, or
   * resource_exhausted when the disk is full) naming the reason but not the file, since the
   * message reaches the client; the file is logged.
   */
  public CompletableFuture<WalPosition> append(WalRecord record) {
    return append(record.encode());
  }

  /** Appends an encoded {@link WalRecord}. */
  public CompletableFuture<WalPosition> append(byte[] encodedRecord) {
    WalWriter w = writer;
    if (w == null) {
      throw new IllegalStateException("the write-ahead log is not started"); // no path: this can reach a client
    }
    return w.append(encodedRecord);
  }

  /** The highest LSN handed out so far (replayed or appended). */
  public long lastLsn() {
    WalWriter w = writer;
    return w == null ? lastReplayedLsn : w.lastAssignedLsn();
  }

  /** The segment being written, or -1 before the first append. */
  public long activeSegment() {
    WalWriter w = writer;
    return w == null ? -1 : w.activeSegment();
  }

  /** The segment numbers on disk with the LSN of their first record, ascending. */
  public Map<Long, Long> segments() {
    return Map.copyOf(segments);
  }

  /**
   * Deletes every segment numbered below {@code segment}, except the one being written.
   *
   * @return the number of segments deleted
   */
  public int deleteSegmentsBefore(long segment) throws IOException {
    long active = activeSegment();
    int deleted = 0;
    for (long s : List.copyOf(segments.headMap(segment).keySet())) {
      if (s == active) {
        continue;
      }
      Files.deleteIfExists(SegmentFiles.path(dir, s));
      segments.remove(s);
      deleted++;
    }
    if (deleted > 0) {
      SegmentFiles.syncDirectory(dir);
      metrics.segmentsDeleted.increment(deleted);
      metrics.segments.set(segments.size());
      log.info("write-ahead log {}: deleted {} segments below {} (their records are in uploaded blocks)", dir, deleted,
          segment);
    }
    return deleted;
  }

  /** The LSN of the first record of the oldest segment on disk, or -1 when there is none. */
  public long oldestLsn() {
    Map.Entry<Long, Long> first = segments.firstEntry();
    return first == null ? -1 : first.getValue();
  }

  /** Writes what is queued and closes the active segment. */
  @Override
  public synchronized void close() {
    WalWriter w = writer;
    if (w != null) {
      w.close();
    }
  }
}
