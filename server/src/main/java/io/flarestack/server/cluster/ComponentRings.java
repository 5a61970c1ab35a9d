package io.flarestack.server.cluster;

import io.flarestack.common.config.Option;
import io.flarestack.common.ring.RingFlags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The rings other than the ingester's, with Pyroscope's flags, keys and defaults
 * ({@code microservices.md} §1.5): the distributor ring (1 token, ACTIVE on start, used to count
 * healthy distributors for the global rate limit) and the store-gateway ring (512 tokens). Each
 * forgets, during its heartbeats, instances whose heartbeat is older than ten heartbeat timeouts.
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

  /** Pyroscope's auto-forget: ten heartbeat timeouts without a heartbeat. */
  public static final int FORGET_AFTER_TIMEOUTS = 10;

  private ComponentRings() {}

  public static List<Option<?>> options() {
    List<Option<?>> all = new ArrayList<>(DISTRIBUTOR.options());
    all.addAll(STORE_GATEWAY.options());
    all.add(STORE_GATEWAY_TOKENS_FILE);
    return List.copyOf(all);
  }
}
