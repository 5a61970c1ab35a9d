package io.flarestack.storegateway;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.storegateway.v1.BlockRef;
import io.flarestack.common.lifecycle.AbstractService;
import io.flarestack.common.lifecycle.BackgroundLoop;
import io.flarestack.objstore.Bucket;
import io.flarestack.storage.block.Block;
import io.flarestack.storage.block.BlockMeta;
import io.flarestack.storage.block.ReadStats;
import io.flarestack.storage.query.ProfileSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store-gateway: serves queries over the blocks in object storage. It discovers blocks by
 * listing the bucket (at start and every sync interval; meta.json present = complete), and
 * opens each lazily: a query reads the block's series index, symbols TOC and Parquet footer once
 * (kept as the block's small header) and then only the pages and symbol partitions it needs,
 * through ranged reads. A block with a missing or corrupt file is skipped with a logged error
 * and {@code pyroscope_bucket_store_block_load_failures_total}; it never fails a query or the
 * process. Thread-safe.
 */
public final class StoreGateway extends AbstractService {
  private static final Logger log = LoggerFactory.getLogger(StoreGateway.class);

  private final StoreGatewayConfig config;
  private final Clock clock;
  private final ReadStats reads = new ReadStats();
  private final StoreGatewayMetrics metrics;
  private final BucketBlocks blocks;
  private ScheduledExecutorService syncThread;
  private BackgroundLoop syncLoop;
  private final MeterRegistry registry;
  private final BlockOwnership ownership;

  /** A store-gateway that owns every block (a single one, or tests). */
  public StoreGateway(StoreGatewayConfig config, Bucket bucket, Clock clock, MeterRegistry registry) {
    this(config, bucket, clock, registry, BlockOwnership.ALL);
  }

  /**
   * @param ownership which blocks this store-gateway owns in the store-gateway ring; it still
   *     reads any block a query names
   */
  public StoreGateway(StoreGatewayConfig config, Bucket bucket, Clock clock, MeterRegistry registry,
      BlockOwnership ownership) {
    super("store-gateway");
    this.ownership = requireNonNull(ownership, "ownership is null");
    this.config = requireNonNull(config, "config is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.registry = requireNonNull(registry, "registry is null");
    this.metrics = new StoreGatewayMetrics(registry, reads);
    this.blocks = new BucketBlocks(requireNonNull(bucket, "bucket is null"), metrics, reads);
    // With the blocks sharded, each block should be opened by its owners only: this shows it.
    Gauge.builder("flarestack.bucket.store.blocks.opened", blocks, BucketBlocks::openedCount)
        .description("Number of blocks whose header a query has read (kept in memory).").register(registry);
  }

  @Override
  protected void doStart() {
    sync("initial");
    syncThread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "store-gateway-sync");
      t.setDaemon(true);
      return t;
    });
    // sync() keeps the known blocks when listing fails; the loop guards against anything else.
    syncLoop = new BackgroundLoop("store-gateway-sync", () -> sync("periodic"),
        BackgroundLoop.Policy.of(config.syncInterval()), syncThread, registry,
        t -> fail(new IllegalStateException("the bucket sync loop stopped: " + t, t)));
    syncLoop.start();
  }

  @Override
  protected void doStop() throws InterruptedException {
    if (syncLoop != null) {
      syncLoop.stop();
    }
    if (syncThread != null) {
      syncThread.shutdownNow();
      syncThread.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** Lists the bucket now; a failure keeps the blocks known so far. Never throws. */
  public boolean sync(String reason) {
    metrics.sync(reason);
    long started = System.nanoTime();
    try {
      blocks.sync();
      metrics.lastSuccessfulSync.set(clock.millis());
      return true;
    } catch (IOException | RuntimeException e) {
      log.warn("store-gateway: syncing the blocks from the bucket failed (kept the blocks known so far): {}",
          e.toString());
      return false;
    } finally {
      metrics.syncDuration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * The tenant's blocks with profiles in {@code [startMs, endMs]} (0 and 0: all), by id, each
   * marked with whether this store-gateway owns it.
   */
  public List<BlockRef> plan(String tenant, long startMs, long endMs) {
    List<BlockRef> out = new ArrayList<>();
    for (Block b : inRange(tenant, startMs, endMs)) {
      BlockMeta m = b.meta();
      out.add(BlockRef.newBuilder().setId(m.ulid()).setMinTime(m.minTime()).setMaxTime(m.maxTime())
          .setCompactionLevel(m.compaction() == null ? 1 : m.compaction().level()).addAllSources(m.sourceBlocks())
          .setOwned(ownership.owns(tenant, m.ulid())).build());
    }
    return out;
  }

  /**
   * What a query reads: the tenant's blocks overlapping the range, or exactly {@code only}
   * when it is not empty (the querier's plan; blocks of the plan that disappeared meanwhile are
   * missing from the answer).
   */
  public List<ProfileSource> sources(String tenant, long startMs, long endMs, Collection<String> only) {
    List<ProfileSource> out = new ArrayList<>();
    if (only.isEmpty()) {
      out.addAll(inRange(tenant, startMs, endMs));
      return out;
    }
    Set<String> wanted = new HashSet<>(only);
    for (Block b : blocks.blocks(tenant)) {
      if (wanted.contains(b.meta().ulid())) {
        out.add(b);
      }
    }
    return out;
  }

  private List<Block> inRange(String tenant, long startMs, long endMs) {
    List<Block> out = new ArrayList<>();
    boolean all = startMs == 0 && endMs == 0;
    for (Block b : blocks.blocks(tenant)) {
      if (all || b.overlaps(startMs, endMs)) {
        out.add(b);
      }
    }
    return out;
  }

  /** Bytes and ranged reads fetched from the bucket by queries so far. */
  public ReadStats reads() {
    return reads;
  }

  /** Heap held by the headers of the blocks queries opened. */
  public long headerBytes() {
    return blocks.headerBytes();
  }
}
