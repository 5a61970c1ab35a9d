package io.flarestack.storegateway;

import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.Option;
import java.time.Duration;
import java.util.List;

/**
 * Configuration of the store-gateway (YAML block {@code store_gateway}), with Pyroscope's keys.
 * The sync interval is how often the bucket is listed for new blocks; the replication factor is
 * how many store-gateways own each block in the store-gateway ring; the sync directory is accepted
 * for compatibility and marked as having no effect yet (nothing is synced to local disk: blocks
 * are read from the bucket with ranged reads).
 */
public record StoreGatewayConfig(int replicationFactor, String syncDir, Duration syncInterval) {
  public static final String MODULE = "store-gateway";

  public static final Option<Integer> REPLICATION_FACTOR = Option.integer(
      "store_gateway.sharding_ring.replication_factor", "store-gateway.sharding-ring.replication-factor", 1,
      "The replication factor to use when sharding blocks.");
  public static final Option<String> SYNC_DIR = Option.string(
      "store_gateway.bucket_store.sync_dir", "blocks-storage.bucket-store.sync-dir", "./data/pyroscope-sync/",
      "Directory to store synchronized block headers.")
      .withNoEffectYet("nothing is synchronised to local disk; blocks are read from the bucket with ranged reads");
  public static final Option<Duration> SYNC_INTERVAL = Option.duration(
      "store_gateway.bucket_store.sync_interval", "blocks-storage.bucket-store.sync-interval", Duration.ofMinutes(15),
      "How frequently to scan the bucket for new blocks.");

  public static List<Option<?>> options() {
    return List.of(REPLICATION_FACTOR, SYNC_DIR, SYNC_INTERVAL);
  }

  public static StoreGatewayConfig from(ConfigValues v) {
    return new StoreGatewayConfig(v.get(REPLICATION_FACTOR), v.get(SYNC_DIR), v.get(SYNC_INTERVAL));
  }
}
