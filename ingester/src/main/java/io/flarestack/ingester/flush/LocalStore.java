package io.flarestack.ingester.flush;

import static java.util.Objects.requireNonNull;

import io.flarestack.ingester.IngesterConfig;
import io.flarestack.ingester.head.Head;
import io.flarestack.ingester.head.TenantHead;
import io.flarestack.ingester.query.HeadSource;
import io.flarestack.ingester.wal.Wal;
import io.flarestack.objstore.Bucket;
import io.flarestack.storage.block.BlockWriter;
import io.flarestack.storage.block.ReadStats;
import io.flarestack.storage.query.ProfileSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingester's durable side besides the log: the flush marks ({@code flushed.json}), the
 * local blocks ({@code local/}), the flusher that cuts, writes, uploads and truncates, and the
 * list of sources a query reads (head windows and local blocks, swapped atomically when a head
 * becomes a block). See docs/storage.md. Thread-safe.
 */
public final class LocalStore {
  private static final Logger log = LoggerFactory.getLogger(LocalStore.class);

  private final Head head;
  private final FlushMarks marks;
  private final LocalBlocks local;
  private final HeadFlusher flusher;
  private final ReadWriteLock sourcesLock = new ReentrantReadWriteLock();
  private final ReadStats reads = new ReadStats();

  private LocalStore(IngesterConfig config, Head head, Wal wal, Bucket bucket, ReadWriteLock pushLock, Clock clock,
      MeterRegistry registry, FlushMarks marks) {
    this.head = head;
    this.marks = marks;
    FlushMetrics metrics = new FlushMetrics(registry);
    this.local = new LocalBlocks(config.localBlocksDir(), new BlockWriter(config.rowGroupTargetBytes()), reads,
        (block, e) -> {
          metrics.blockLoadFailures.increment();
          log.error("local block {} is unreadable and is skipped by queries: {}", block, e.toString());
        });
    this.flusher = new HeadFlusher(head, wal, marks, local, bucket == null ? null : new Shipper(bucket), pushLock,
        sourcesLock, clock, config.blockCutDelay(), config.uploadedBlockRetention(), metrics, new Random());
  }

  /**
   * Loads the flush marks and the local blocks of {@code config.dataPath()}.
   *
   * @param bucket where blocks are uploaded; null keeps them local (the log is then never truncated)
   * @param pushLock held for reading by pushes from prepare to commit; the flusher takes it for
   *     writing to cut heads and to truncate the log
   */
  public static LocalStore open(IngesterConfig config, Head head, Wal wal, Bucket bucket, ReadWriteLock pushLock,
      Clock clock, MeterRegistry registry) throws IOException {
    requireNonNull(config, "config is null");
    LocalStore s = new LocalStore(config, requireNonNull(head, "head is null"), requireNonNull(wal, "wal is null"),
        bucket, requireNonNull(pushLock, "pushLock is null"), requireNonNull(clock, "clock is null"),
        requireNonNull(registry, "registry is null"), FlushMarks.load(config.dataPath()));
    s.local.load();
    for (LocalBlock b : s.local.all()) {
      // A block on disk covers its records even if the process died before flushed.json said so.
      if (b.coveredLsn() >= 0 && !s.marks.covers(b.tenant(), b.windowStartNanos(), b.coveredLsn())) {
        s.marks.record(b.tenant(), b.windowStartNanos(), b.coveredLsn(), s.marks.lsnFloor());
      }
    }
    return s;
  }

  /** The smallest LSN the log may hand out (LSNs never repeat across restarts). */
  public long lsnFloor() {
    return marks.lsnFloor();
  }

  /** Whether a logged record's profiles for this tenant and window are already in a block. */
  public boolean covered(String tenant, long windowStartNanos, long lsn) {
    return marks.covers(tenant, windowStartNanos, lsn);
  }

  /** One flush pass (see {@link HeadFlusher}). */
  public void tick() {
    flusher.tick();
  }

  /**
   * The shutdown pass: every window is cut, written and (when possible) uploaded.
   *
   * @param retire whether uploaded blocks past their retention are deleted too; an ingester that
   *     is leaving keeps serving them until it has left
   */
  public FlushStats flushAll(boolean retire) {
    return flusher.flushAll(retire);
  }

  /**
   * What one flush pass did.
   *
   * @param cut head windows cut
   * @param uploaded blocks uploaded
   */
  public record FlushStats(int cut, int uploaded) {}

  /**
   * A local block.
   *
   * @param tenant its tenant
   * @param id its ULID, as in the bucket ({@code <tenant>/<id>/})
   * @param uploaded whether it is in object storage
   */
  public record BlockInfo(String tenant, String id, boolean uploaded) {}

  /** The local blocks, uploaded or not. */
  public List<BlockInfo> blocks() {
    List<BlockInfo> out = new ArrayList<>();
    for (LocalBlock b : local.all()) {
      out.add(new BlockInfo(b.tenant(), b.id(), b.uploaded()));
    }
    return out;
  }

  /**
   * What a query of the tenant reads: its head windows and its local blocks, minus the blocks
   * the querier reads from the store-gateway ({@code exclude}, by block id). Taken atomically
   * with respect to a head being replaced by its block, so no profile is seen twice or missed.
   */
  public List<ProfileSource> sources(String tenant, Collection<String> exclude) {
    List<ProfileSource> out = new ArrayList<>();
    sourcesLock.readLock().lock();
    try {
      for (TenantHead h : head.heads(tenant)) {
        if (h.blockId() == null || !exclude.contains(h.blockId())) {
          out.add(new HeadSource(h));
        }
      }
      for (LocalBlock b : local.forTenant(tenant)) {
        if (!exclude.contains(b.id())) {
          out.add(b.block());
        }
      }
    } finally {
      sourcesLock.readLock().unlock();
    }
    return out;
  }

  /** Ids of the local blocks, uploaded or not. */
  public List<String> localBlockIds() {
    List<String> out = new ArrayList<>();
    for (LocalBlock b : local.all()) {
      out.add(b.tenant() + "/" + b.id());
    }
    return out;
  }

  /** Local blocks not uploaded yet. */
  public int pendingUploads() {
    int n = 0;
    for (LocalBlock b : local.all()) {
      n += b.uploaded() ? 0 : 1;
    }
    return n;
  }

  /** Bytes read from local blocks by queries. */
  public ReadStats reads() {
    return reads;
  }
}
