package io.flarestack.ingester.wal;

import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of the log, with group commit: appenders enqueue a record and get a future;
 * one thread takes everything queued, writes it with one gathering write and makes it durable
 * with one fsync, then completes the futures. While it syncs, new records queue up and form the
 * next group, so N concurrent pushes cost about one fsync, not N.
 *
 * <p>LSNs are assigned under the queue lock, so LSN order is log order. A failed write or fsync
 * fails exactly the records of that group (their pushes are rejected, so nothing acknowledged is
 * at stake); the segment is then truncated back where the group began, when possible, and
 * abandoned: after a failed fsync the kernel may have dropped the dirty pages, so the next group
 * starts a new segment rather than trusting the old file. A segment that cannot even be created
 * does not use up its number. The error a failed push gets names the reason (a full disk is
 * resource_exhausted), never the server's paths, which are logged. Thread-safe.
 */
final class WalWriter {
  private static final Logger log = LoggerFactory.getLogger(WalWriter.class);
  private static final String NO_SPACE = "No space left on device";

  private final Path dir;
  private final long segmentBytes;
  private final WalMetrics metrics;
  private final SegmentListener onNewSegment; // called on the writer thread
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition queued = lock.newCondition();
  private ArrayDeque<Pending> queue = new ArrayDeque<>();
  private long nextLsn;
  private boolean closed;
  private final Thread thread;

  // Writer-thread state.
  private FileChannel channel;
  private Path channelPath;
  private long size;
  private long nextSegment;
  private volatile long activeSegment = -1;

  /** Told about every new segment before any record in it is acknowledged. */
  interface SegmentListener {
    void opened(long segment, long firstLsn);
  }

  private record Pending(long lsn, byte[] payload, CompletableFuture<WalPosition> done) {}

  WalWriter(Path dir, long segmentBytes, long nextLsn, long nextSegment, WalMetrics metrics, SegmentListener onNewSegment) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    this.nextLsn = nextLsn;
    this.nextSegment = nextSegment;
    this.metrics = metrics;
    this.onNewSegment = onNewSegment;
    this.thread = new Thread(this::run, "wal-writer");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Queues a payload; the future completes once it is durable, or fails with a FlarestackException. */
  CompletableFuture<WalPosition> append(byte[] payload) {
    CompletableFuture<WalPosition> f = new CompletableFuture<>();
    lock.lock();
    try {
      if (closed) {
        f.completeExceptionally(new FlarestackException(ErrorCode.UNAVAILABLE,
            "write-ahead log is closed; the push was not stored"));
        return f;
      }
      queue.add(new Pending(nextLsn++, payload, f));
      queued.signal();
    } finally {
      lock.unlock();
    }
    return f;
  }

  /** The last LSN handed out (records up to it may still be in flight). */
  long lastAssignedLsn() {
    lock.lock();
    try {
      return nextLsn - 1;
    } finally {
      lock.unlock();
    }
  }

  /** The segment new records go to, or -1 before the first write. */
  long activeSegment() {
    return activeSegment;
  }

  /** Writes what is queued, then stops the writer thread and closes the segment. */
  void close() {
    lock.lock();
    try {
      closed = true;
      queued.signal();
    } finally {
      lock.unlock();
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeChannel();
  }

  private void run() {
    while (true) {
      ArrayDeque<Pending> batch;
      lock.lock();
      try {
        while (queue.isEmpty() && !closed) {
          queued.awaitUninterruptibly();
        }
        if (queue.isEmpty()) {
          return;
        }
        batch = queue;
        queue = new ArrayDeque<>();
      } finally {
        lock.unlock();
      }
      write(new ArrayList<>(batch));
    }
  }

  private void write(List<Pending> batch) {
    long started = System.nanoTime();
    long batchStart = -1;
    try {
      if (channel == null || size >= segmentBytes) {
        openSegment(batch.get(0).lsn());
      }
      batchStart = size;
      ByteBuffer[] buffers = new ByteBuffer[batch.size() * 2];
      CRC32C crc = new CRC32C();
      long bytes = 0;
      for (int i = 0; i < batch.size(); i++) {
        Pending p = batch.get(i);
        ByteBuffer head = ByteBuffer.allocate(SegmentFiles.FRAME_HEADER_BYTES + SegmentFiles.LSN_BYTES);
        head.putLong(8, p.lsn());
        crc.reset();
        crc.update(head.array(), 8, SegmentFiles.LSN_BYTES);
        crc.update(p.payload());
        head.putInt(0, SegmentFiles.LSN_BYTES + p.payload().length);
        head.putInt(4, (int) crc.getValue());
        buffers[2 * i] = head;
        buffers[2 * i + 1] = ByteBuffer.wrap(p.payload());
        bytes += head.capacity() + p.payload().length;
      }
      long written = 0;
      while (written < bytes) {
        written += channel.write(buffers);
      }
      size += bytes;
      channel.force(false);
      metrics.fsync.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      metrics.recordsPerSync.record(batch.size());
      metrics.bytesWritten.increment(bytes);
      metrics.records.increment(batch.size());
      long segment = activeSegment;
      for (Pending p : batch) {
        p.done().complete(new WalPosition(p.lsn(), segment));
      }
    } catch (IOException | RuntimeException e) {
      fail(batch, e, batchStart);
    }
  }

  private void fail(List<Pending> batch, Exception e, long batchStart) {
    metrics.writeFailures.increment();
    Path where = channelPath != null ? channelPath : dir;
    String reason = describe(e);
    // Clients see what happened, never the server's paths: those go to the log only.
    FlarestackException err = clientError(e);
    log.error("write-ahead log: writing {} records to {} failed: {}", batch.size(), where, reason);
    if (channel != null) {
      if (batchStart >= 0) {
        try {
          channel.truncate(batchStart);
        } catch (IOException | RuntimeException ignored) {
          // The torn tail is cut at replay instead; those records were never acknowledged.
        }
      }
      closeChannel();
    }
    for (Pending p : batch) {
      p.done().completeExceptionally(err);
    }
  }

  /**
   * The error a push gets for a failed write: resource_exhausted when the disk is full, else
   * unavailable, with the I/O reason but without any file name.
   */
  static FlarestackException clientError(Exception e) {
    if (isNoSpace(e)) {
      return new FlarestackException(ErrorCode.RESOURCE_EXHAUSTED,
          "write-ahead log: no space left on device; the push was not stored, retry later", e);
    }
    return new FlarestackException(ErrorCode.UNAVAILABLE,
        "write-ahead log: the write failed (" + reasonWithoutPaths(e) + "); the push was not stored, retry later", e);
  }

  private static boolean isNoSpace(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains(NO_SPACE)) {
        return true;
      }
    }
    return false;
  }

  // A FileSystemException's reason is its message without the file names; other messages are
  // kept only when they hold no path.
  private static String reasonWithoutPaths(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof FileSystemException fs) {
        return fs.getReason() != null ? fs.getReason() : fs.getClass().getSimpleName();
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && !m.isEmpty() && m.indexOf('/') < 0 && m.indexOf('\\') < 0) {
        return m;
      }
    }
    return e.getClass().getSimpleName();
  }

  // The number is used up only once the segment exists: while the disk is full every attempt
  // fails here, and the next segment keeps the number the failed ones would have had. A file that
  // could not be removed (or was already there) keeps its number taken.
  private void openSegment(long firstLsn) throws IOException {
    closeChannel();
    long segment = nextSegment;
    Path path = SegmentFiles.path(dir, segment);
    channelPath = path;
    FileChannel ch;
    try {
      Files.createDirectories(dir);
      ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (IOException e) {
      skipIfPresent(path);
      throw new IOException("cannot create the segment file (" + describe(e) + ")", e);
    }
    try {
      ByteBuffer header = SegmentFiles.header(firstLsn);
      while (header.hasRemaining()) {
        ch.write(header);
      }
      ch.force(true);
      SegmentFiles.syncDirectory(dir);
    } catch (IOException e) {
      ch.close();
      try {
        Files.deleteIfExists(path);
      } finally {
        skipIfPresent(path);
      }
      throw e;
    }
    nextSegment = segment + 1;
    channel = ch;
    size = SegmentFiles.HEADER_BYTES;
    activeSegment = segment;
    onNewSegment.opened(segment, firstLsn);
    metrics.segments.incrementAndGet();
  }

  private void skipIfPresent(Path path) {
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      nextSegment++;
    }
  }

  /** The exception's message, with its type when the message alone is just a path. */
  private static String describe(Exception e) {
    String m = e.getMessage();
    if (m == null || m.isEmpty() || m.startsWith("/")) {
      return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
    return m;
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        log.warn("write-ahead log: closing {} failed: {}", channelPath, e.getMessage());
      }
      channel = null;
    }
  }
}
