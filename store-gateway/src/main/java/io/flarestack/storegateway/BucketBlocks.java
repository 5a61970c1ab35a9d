package io.flarestack.storegateway;

import static java.util.Objects.requireNonNull;

import io.flarestack.objstore.Bucket;
import io.flarestack.objstore.ObjectNotFoundException;
import io.flarestack.storage.block.Block;
import io.flarestack.storage.block.BlockFiles;
import io.flarestack.storage.block.BlockMeta;
import io.flarestack.storage.block.CorruptBlockException;
import io.flarestack.storage.block.ReadStats;
import io.flarestack.storage.block.Ulid;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blocks in the bucket, per tenant, as the last sync found them: {@code <tenant>/<ULID>/}
 * with a {@code meta.json} (uploaded last, so its presence means the block is complete; a
 * directory without it is a block being uploaded, or one whose upload died, and is invisible).
 * Only meta.json is read at sync; a block's other files are read when a query needs them. A
 * block superseded by a compacted block holding all its sources is hidden. Thread-safe.
 */
final class BucketBlocks {
  private static final Logger log = LoggerFactory.getLogger(BucketBlocks.class);

  private final Bucket bucket;
  private final StoreGatewayMetrics metrics;
  private final ReadStats reads;
  /** tenant → block id → block; replaced whole per tenant at sync. */
  private final ConcurrentHashMap<String, Map<String, Block>> tenants = new ConcurrentHashMap<>();
  /** Blocks whose meta.json could not be read: not retried until they change (keyed by tenant/id). */
  private final Set<String> broken = ConcurrentHashMap.newKeySet();

  BucketBlocks(Bucket bucket, StoreGatewayMetrics metrics, ReadStats reads) {
    this.bucket = requireNonNull(bucket, "bucket is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.reads = requireNonNull(reads, "reads is null");
  }

  /**
   * Lists the bucket and updates the blocks.
   *
   * @throws IOException when the bucket cannot be listed (the previous state stays)
   */
  synchronized void sync() throws IOException {
    Set<String> seenTenants = new HashSet<>();
    for (String dir : bucket.list("", false)) {
      if (!dir.endsWith("/")) {
        continue;
      }
      String tenant = dir.substring(0, dir.length() - 1);
      seenTenants.add(tenant);
      syncTenant(tenant);
    }
    for (String gone : new ArrayList<>(tenants.keySet())) {
      if (!seenTenants.contains(gone)) {
        metrics.drops.increment(tenants.remove(gone).size());
      }
    }
    metrics.tenantsDiscovered.set(seenTenants.size());
    long loaded = 0;
    for (Map<String, Block> m : tenants.values()) {
      loaded += m.size();
    }
    metrics.blocksLoaded.set(loaded);
  }

  private void syncTenant(String tenant) throws IOException {
    Map<String, Block> current = tenants.getOrDefault(tenant, Map.of());
    Map<String, Block> next = new HashMap<>();
    for (String dir : bucket.list(tenant + "/", false)) {
      if (!dir.endsWith("/")) {
        continue;
      }
      String id = dir.substring(tenant.length() + 1, dir.length() - 1);
      if (!Ulid.isValid(id)) {
        continue; // e.g. markers/, or another tool's files
      }
      Block known = current.get(id);
      if (known != null) {
        next.put(id, known);
        continue;
      }
      if (broken.contains(tenant + "/" + id)) {
        continue;
      }
      Block b = load(tenant, id);
      if (b != null) {
        next.put(id, b);
      }
    }
    for (String id : current.keySet()) {
      if (!next.containsKey(id)) {
        metrics.drops.increment();
      }
    }
    tenants.put(tenant, Map.copyOf(next));
  }

  /** Reads meta.json; null when there is none (not uploaded completely) or it is unreadable. */
  private Block load(String tenant, String id) {
    String prefix = tenant + "/" + id + "/";
    String name = tenant + "/" + id;
    byte[] json;
    try (InputStream in = bucket.get(prefix + BlockMeta.META_FILE)) {
      json = in.readAllBytes();
    } catch (ObjectNotFoundException e) {
      return null; // invisible until its upload completes
    } catch (IOException e) {
      log.warn("block {}: meta.json could not be read (retried at the next sync): {}", name, e.getMessage());
      return null;
    }
    BlockMeta meta;
    try {
      meta = BlockMeta.parse(json, name);
      if (!meta.ulid().equals(id)) {
        throw new CorruptBlockException(name + ": meta.json names block " + meta.ulid());
      }
    } catch (CorruptBlockException e) {
      broken.add(name);
      metrics.loadFailures.increment();
      log.error("block {} is skipped: {}", name, e.getMessage());
      return null;
    }
    metrics.loads.increment();
    return new Block(meta, BlockFiles.bucket(bucket, prefix, reads), name, e -> {
      metrics.loadFailures.increment();
      log.error("block {} is skipped: {}", name, e.getMessage());
    });
  }

  /** The tenant's queryable blocks (not failed, not superseded by a compacted block), by id. */
  List<Block> blocks(String tenant) {
    Map<String, Block> all = tenants.getOrDefault(tenant, Map.of());
    Map<String, Integer> bestLevel = new HashMap<>();
    for (Block b : all.values()) {
      int level = level(b.meta());
      for (String s : b.meta().sourceBlocks()) {
        bestLevel.merge(s, level, Math::max);
      }
    }
    TreeMap<String, Block> out = new TreeMap<>();
    for (Block b : all.values()) {
      if (b.failure() != null) {
        continue;
      }
      int level = level(b.meta());
      boolean superseded = true;
      for (String s : b.meta().sourceBlocks()) {
        superseded &= bestLevel.get(s) > level;
      }
      if (!superseded) {
        out.put(b.meta().ulid(), b);
      }
    }
    return new ArrayList<>(out.values());
  }

  private static int level(BlockMeta m) {
    return m.compaction() == null ? 1 : m.compaction().level();
  }

  /** How many blocks a query has opened (their header is held). */
  int openedCount() {
    int n = 0;
    for (Map<String, Block> m : tenants.values()) {
      for (Block b : m.values()) {
        n += b.headerBytes() > 0 ? 1 : 0;
      }
    }
    return n;
  }

  /** Heap held by the headers of opened blocks. */
  long headerBytes() {
    long sum = 0;
    for (Map<String, Block> m : tenants.values()) {
      for (Block b : m.values()) {
        sum += b.headerBytes();
      }
    }
    return sum;
  }
}
