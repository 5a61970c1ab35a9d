package io.flarestack.server.cluster;

import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.Option;
import io.flarestack.common.ring.RingConfig;
import io.flarestack.common.ring.RingFlags;
import io.flarestack.storegateway.StoreGatewayConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The rings other than the ingester's, with Pyroscope's flags, keys and defaults
 * ({@code microservices.md} §1.5): the distributor ring (1 token, ACTIVE on start, used to count
 * healthy distributors for the global rate limit), the store-gateway ring (512 tokens), the
 * compactor ring (512 tokens, ACTIVE on start) and the query-scheduler ring (1 token, ACTIVE on
 * start; service discovery). Each forgets, during its heartbeats, instances whose heartbeat is
 * older than {@link #FORGET_AFTER_TIMEOUTS} heartbeat timeouts ({@link #SCHEDULER_FORGET_AFTER_TIMEOUTS}
 * for the query-scheduler's).
 */
public final class ComponentRings {
  public static final RingFlags DISTRIBUTOR = RingFlags.of("distributor.ring", "distributor.ring", Duration.ofSeconds(15));
  public static final String DISTRIBUTOR_KEY = "distributor";
  public static final int DISTRIBUTOR_TOKENS = 1;

  public static final RingFlags STORE_GATEWAY = RingFlags.of("store_gateway.sharding_ring", "store-gateway.sharding-ring",
      Duration.ofSeconds(15));
  public static final String STORE_GATEWAY_KEY = "store-gateway";
  public static final int STORE_GATEWAY_TOKENS = 512;
  public static final Option<String> STORE_GATEWAY_TOKENS_FILE = Option.string(
      "store_gateway.sharding_ring.tokens_file_path", "store-gateway.sharding-ring.tokens-file-path", "",
      "File path where tokens are stored. If empty, tokens are not stored at shutdown and restored at startup.");
  public static final Option<Boolean> STORE_GATEWAY_ZONE_AWARENESS = Option.bool(
      "store_gateway.sharding_ring.zone_awareness_enabled", "store-gateway.sharding-ring.zone-awareness-enabled", false,
      "True to make the store-gateway ring zone-aware: a replica set takes at most one store-gateway per"
          + " availability zone (so a block's owners are in different zones), and every store-gateway needs"
          + " -store-gateway.sharding-ring.instance-availability-zone.");

  /** Pyroscope's compactor ring: YAML {@code compactor.sharding_ring}, flags {@code -compactor.ring.*}. */
  public static final RingFlags COMPACTOR = RingFlags.of("compactor.sharding_ring", "compactor.ring",
      Duration.ofSeconds(15));
  public static final String COMPACTOR_KEY = "compactor";
  public static final int COMPACTOR_TOKENS = 512;

  /** Pyroscope's query-scheduler ring: YAML {@code query_scheduler.ring}, flags {@code -query-scheduler.ring.*}. */
  public static final RingFlags QUERY_SCHEDULER = RingFlags.of("query_scheduler.ring", "query-scheduler.ring",
      Duration.ofSeconds(15));
  public static final String QUERY_SCHEDULER_KEY = "query-scheduler";
  public static final int QUERY_SCHEDULER_TOKENS = 1;

  /** Pyroscope's auto-forget: ten heartbeat timeouts without a heartbeat. */
  public static final int FORGET_AFTER_TIMEOUTS = 10;
  /** The query-scheduler ring forgets sooner: four heartbeat timeouts. */
  public static final int SCHEDULER_FORGET_AFTER_TIMEOUTS = 4;

  private ComponentRings() {}

  public static List<Option<?>> options() {
    List<Option<?>> all = new ArrayList<>(DISTRIBUTOR.options());
    all.addAll(STORE_GATEWAY.options());
    all.add(STORE_GATEWAY_TOKENS_FILE);
    all.add(STORE_GATEWAY_ZONE_AWARENESS);
    all.addAll(COMPACTOR.options());
    all.addAll(QUERY_SCHEDULER.options());
    return List.copyOf(all);
  }

  /** Every ring's flags, for the checks all rings share. */
  public static List<RingFlags> all() {
    return List.of(DISTRIBUTOR, STORE_GATEWAY, COMPACTOR, QUERY_SCHEDULER);
  }

  /**
   * The store-gateway ring's read side: blocks sharded with
   * {@code -store-gateway.sharding-ring.replication-factor} owners each, zone-aware when
   * {@code -store-gateway.sharding-ring.zone-awareness-enabled} is set.
   */
  public static RingConfig storeGatewayRing(ConfigValues v) {
    return new RingConfig("store-gateway", STORE_GATEWAY_KEY, v.get(StoreGatewayConfig.REPLICATION_FACTOR),
        STORE_GATEWAY.from(v).heartbeatTimeout(),
        v.get(STORE_GATEWAY_ZONE_AWARENESS));
  }

  /**
   * Problems with the store-gateway ring's zone settings in a process that registers a
   * store-gateway ({@code runsStoreGateway}): with zone awareness on, its zone must be set.
   */
  public static List<String> validateStoreGatewayZone(ConfigValues v, boolean runsStoreGateway) {
    if (runsStoreGateway && v.get(STORE_GATEWAY_ZONE_AWARENESS) && v.get(STORE_GATEWAY.zone()).isEmpty()) {
      return List.of(STORE_GATEWAY.zone().describe() + ": must be set when " + STORE_GATEWAY_ZONE_AWARENESS.describe()
          + " is true: a zone-aware ring places each block in different zones, so every store-gateway needs one");
    }
    return List.of();
  }
}
