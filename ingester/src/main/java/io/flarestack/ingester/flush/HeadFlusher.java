package io.flarestack.ingester.flush;

import static java.util.Objects.requireNonNull;

import io.flarestack.ingester.head.Head;
import io.flarestack.ingester.head.TenantHead;
import io.flarestack.ingester.wal.Wal;
import io.flarestack.storage.block.BlockMeta;
import io.flarestack.storage.block.Ulid;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves data from the head to object storage, one pass per {@link #tick()}:
 *
 * <ol>
 *   <li><b>cut</b> every head window that ended at least {@code block-cut-delay} ago (all of them
 *       at shutdown), under the push lock, recording the highest LSN logged so far;
 *   <li><b>write</b> each cut head as a local block, record in {@code flushed.json} that its
 *       records are covered (so replay skips them), then swap the head for the block in what
 *       queries see, atomically, and drop the head;
 *   <li><b>upload</b> local blocks not uploaded yet (data files, then meta.json);
 *   <li><b>truncate</b> the write-ahead log: delete the segments below the oldest segment any
 *       head in memory or any block not yet uploaded still needs;
 *   <li><b>retire</b> uploaded local blocks older than the retention.
 * </ol>
 *
 * Every step is retried on the next pass when it fails; nothing is lost meanwhile (the log and
 * the local blocks hold everything). Runs on one thread.
 */
final class HeadFlusher {
  private static final Logger log = LoggerFactory.getLogger(HeadFlusher.class);
  private static final long LOCK_WAIT_SECONDS = 10;

  private final Head head;
  private final Wal wal;
  private final FlushMarks marks;
  private final LocalBlocks local;
  private final Shipper shipper; // null: no object storage, blocks stay local
  private final ReadWriteLock pushLock;
  private final ReadWriteLock sourcesLock;
  private final Clock clock;
  private final Duration cutDelay;
  private final Duration retention;
  private final FlushMetrics metrics;
  private final Random random;

  HeadFlusher(Head head, Wal wal, FlushMarks marks, LocalBlocks local, Shipper shipper, ReadWriteLock pushLock,
      ReadWriteLock sourcesLock, Clock clock, Duration cutDelay, Duration retention, FlushMetrics metrics,
      Random random) {
    this.head = requireNonNull(head, "head is null");
    this.wal = requireNonNull(wal, "wal is null");
    this.marks = requireNonNull(marks, "marks is null");
    this.local = requireNonNull(local, "local is null");
    this.shipper = shipper;
    this.pushLock = requireNonNull(pushLock, "pushLock is null");
    this.sourcesLock = requireNonNull(sourcesLock, "sourcesLock is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.cutDelay = requireNonNull(cutDelay, "cutDelay is null");
    this.retention = requireNonNull(retention, "retention is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.random = requireNonNull(random, "random is null");
  }

  /** One periodic pass. Never throws: failures are logged, counted and retried next time. */
  synchronized void tick() {
    long cutBefore = clock.millis() * 1_000_000L - cutDelay.toNanos();
    cut(() -> head.cutEnded(cutBefore, this::newBlockId, wal.lastLsn()), "max-duration");
    finish(true);
  }

  /**
   * The pass at shutdown: cuts every window, then writes, uploads and truncates once.
   *
   * @param retire whether to retire uploaded blocks past their retention as well
   */
  synchronized LocalStore.FlushStats flushAll(boolean retire) {
    int cut = cut(() -> head.cutAll(this::newBlockId, wal.lastLsn()), "shutdown");
    int uploaded = finish(retire);
    return new LocalStore.FlushStats(cut, uploaded);
  }

  /** Writes, uploads, truncates and maybe retires; returns how many blocks were uploaded. */
  private int finish(boolean retire) {
    writeCutHeads();
    int uploaded = upload();
    truncateWal();
    if (retire) {
      retire();
    }
    return uploaded;
  }

  private String newBlockId() {
    return Ulid.generate(clock.millis(), random);
  }

  private int cut(Supplier<List<TenantHead>> cutter, String reason) {
    if (!lockWrite(pushLock)) {
      log.warn("flush: pushes held the head for {} s; cutting next time", LOCK_WAIT_SECONDS);
      return 0;
    }
    List<TenantHead> cut;
    try {
      cut = cutter.get();
    } finally {
      pushLock.writeLock().unlock();
    }
    for (int i = 0; i < cut.size(); i++) {
      metrics.flushReason(reason);
    }
    return cut.size();
  }

  private void writeCutHeads() {
    for (TenantHead h : head.cutHeads()) {
      long started = System.nanoTime();
      LocalBlock block;
      try {
        block = local.write(h);
        // Even an empty window (only cumulative profiles that primed the delta state) is
        // covered, so replay does not resurrect its head.
        marks.record(h.tenant(), h.windowStartNanos(), h.coveredLsn(), wal.lastLsn() + 1);
      } catch (IOException | RuntimeException e) {
        metrics.flushedFailed.increment();
        log.error("flush: writing the block of tenant {} window {} failed (kept in memory, retried): {}", h.tenant(),
            h.windowStartNanos(), e.toString());
        continue;
      }
      sourcesLock.writeLock().lock();
      try {
        if (block != null) {
          local.add(block);
        }
        head.drop(h);
      } finally {
        sourcesLock.writeLock().unlock();
      }
      metrics.flushedOk.increment();
      if (block != null) {
        BlockMeta m = block.meta();
        metrics.flushDuration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        metrics.blockSize.record(m.totalBytes());
        metrics.blockSeries.record(m.stats().numSeries());
        metrics.blockSamples.record(m.stats().numSamples());
        metrics.blockProfiles.record(m.stats().numProfiles());
        log.info("flushed head to block tenant={} block={} profiles={} samples={} bytes={}", h.tenant(), m.ulid(),
            m.stats().numProfiles(), m.stats().numSamples(), m.totalBytes());
      }
    }
  }

  private int upload() {
    if (shipper == null) {
      return 0;
    }
    int uploaded = 0;
    boolean ok = true;
    for (LocalBlock b : local.all()) {
      if (b.uploaded()) {
        continue;
      }
      try {
        shipper.upload(b);
        local.markUploaded(b, Math.max(1, clock.millis()));
        uploaded++;
        metrics.uploaded(b.tenant());
        log.info("upload new block tenant={} block={} bytes={}", b.tenant(), b.id(), b.meta().totalBytes());
      } catch (IOException | RuntimeException e) {
        ok = false;
        metrics.uploadFailed(b.tenant());
        log.warn("upload of block {}/{} failed (retried on the next pass): {}", b.tenant(), b.id(), e.toString());
        break; // the bucket is likely down: do not hammer it with the rest
      }
    }
    metrics.dirSync(ok);
    return uploaded;
  }

  private void truncateWal() {
    if (!lockWrite(pushLock)) {
      return;
    }
    try {
      long needed = Math.min(head.minSegment(), local.minSegment());
      wal.deleteSegmentsBefore(needed);
      marks.prune(wal.oldestLsn(), wal.lastLsn() + 1);
    } catch (IOException e) {
      log.error("write-ahead log truncation failed (retried on the next pass): {}", e.toString());
    } finally {
      pushLock.writeLock().unlock();
    }
  }

  private void retire() {
    long now = clock.millis();
    for (LocalBlock b : local.all()) {
      if (b.uploaded() && now - b.uploadedAtMillis() >= retention.toMillis()) {
        sourcesLock.writeLock().lock();
        try {
          local.delete(b);
        } catch (IOException e) {
          log.warn("removing the retired local block {} failed: {}", b.dir(), e.toString());
        } finally {
          sourcesLock.writeLock().unlock();
        }
      }
    }
  }

  private static boolean lockWrite(ReadWriteLock lock) {
    try {
      return lock.writeLock().tryLock(LOCK_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
