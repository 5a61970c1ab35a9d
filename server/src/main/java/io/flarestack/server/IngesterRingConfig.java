package io.flarestack.server;

import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.Option;
import io.flarestack.common.ring.LifecyclerConfig;
import io.flarestack.common.ring.RingConfig;
import io.flarestack.common.ring.RingFlags;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The ingester ring and its KV store (Pyroscope's {@code ingester.lifecycler} block and
 * {@code -ring.*} / {@code -distributor.replication-factor} flags). The KV store is the
 * in-memory one in a single process, memberlist when {@code -memberlist.join} is given, or what
 * {@code -ring.store} names.
 */
public record IngesterRingConfig(
    String store, int replicationFactor, Duration heartbeatPeriod, Duration heartbeatTimeout, int numTokens,
    String instanceId, String instanceAddr, String zone, String tokensFile, boolean unregisterOnShutdown,
    boolean zoneAwarenessEnabled, Duration leaveGracePeriod, Duration leaveStoreGatewayTimeout) {
  public static final Option<String> STORE = RingFlags.storeOption("ingester.lifecycler.ring.kvstore.store",
      "ring.store");
  public static final Option<Integer> REPLICATION_FACTOR = Option.integer("ingester.lifecycler.ring.replication_factor",
      "distributor.replication-factor", 1, "The number of ingesters to write to and read from.");
  public static final Option<Duration> HEARTBEAT_TIMEOUT = Option.duration("ingester.lifecycler.ring.heartbeat_timeout",
      "ring.heartbeat-timeout", Duration.ofMinutes(1),
      "The heartbeat timeout after which ingesters are skipped for reads and writes.");
  public static final Option<Duration> HEARTBEAT_PERIOD = Option.duration("ingester.lifecycler.heartbeat_period",
      "ingester.heartbeat-period", Duration.ofSeconds(5), "Period at which to heartbeat to the ring.");
  public static final Option<Integer> NUM_TOKENS = Option.integer("ingester.lifecycler.num_tokens",
      "ingester.num-tokens", 128, "Number of tokens for each ingester.");
  public static final Option<String> INSTANCE_ID = Option.string("ingester.lifecycler.id", "ingester.lifecycler.ID",
      "", "ID to register in the ring (default: the host name).");
  public static final Option<String> INSTANCE_ADDR = Option.string("ingester.lifecycler.address",
      "ingester.lifecycler.addr", "", "IP address to advertise in the ring (default: -memberlist.advertise-addr, else"
          + " -memberlist.bind-addr, else the first private interface). With the in-memory ring the ingester is"
          + " reached in-process.");
  public static final Option<String> TOKENS_FILE = Option.string("ingester.lifecycler.tokens_file_path",
      "ingester.tokens-file-path", "", "File path where tokens are stored. If empty, tokens are not stored at shutdown"
          + " and restored at startup.");
  public static final Option<Boolean> UNREGISTER_ON_SHUTDOWN = Option.bool("ingester.lifecycler.unregister_on_shutdown",
      "ingester.unregister-on-shutdown", true, "Unregister from the ring upon clean shutdown. It can be useful to"
          + " disable for rolling restarts with consistent naming.");
  public static final Option<Duration> LEAVE_GRACE_PERIOD = Option.duration("ingester.lifecycler.leave_grace_period",
      "ingester.leave-grace-period", Duration.ofSeconds(5), "Flarestack only. How far another process's view of the"
          + " ring may lag behind (memberlist gossip) plus a query's time from its plan to reading the ingesters. A"
          + " stopping ingester takes pushes for this long after turning LEAVING, stays in the ring this long after"
          + " the store-gateways serve its blocks, and answers queries this long after leaving the ring. Not used"
          + " with the in-memory ring.");
  public static final Option<Duration> LEAVE_STORE_GATEWAY_TIMEOUT = Option.duration(
      "ingester.lifecycler.leave_store_gateway_timeout", "ingester.leave-store-gateway-timeout", Duration.ofMinutes(20),
      "Flarestack only. How long a stopping ingester waits, after uploading its blocks, for every store-gateway to"
          + " serve them before it leaves the ring anyway; keep it above -blocks-storage.bucket-store.sync-interval."
          + " Not used with the in-memory ring.");
  public static final Option<String> ZONE = Option.string("ingester.lifecycler.availability_zone",
      "ingester.availability-zone", "", "The availability zone where this instance is running. Required when"
          + " -distributor.zone-awareness-enabled is true.");
  public static final Option<Boolean> ZONE_AWARENESS_ENABLED = Option.bool(
      "ingester.lifecycler.ring.zone_awareness_enabled", "distributor.zone-awareness-enabled", false,
      "True to enable zone-awareness and replicate ingested samples across different availability zones: each"
          + " series goes to at most one ingester per zone, and reads tolerate failures in half of the zones"
          + " (rounded down).");

  public static List<Option<?>> options() {
    return List.of(STORE, REPLICATION_FACTOR, HEARTBEAT_TIMEOUT, HEARTBEAT_PERIOD, NUM_TOKENS, INSTANCE_ID,
        INSTANCE_ADDR, ZONE, ZONE_AWARENESS_ENABLED, TOKENS_FILE, UNREGISTER_ON_SHUTDOWN, LEAVE_GRACE_PERIOD,
        LEAVE_STORE_GATEWAY_TIMEOUT);
  }

  public static IngesterRingConfig from(ConfigValues v) {
    return new IngesterRingConfig(v.get(STORE), v.get(REPLICATION_FACTOR), v.get(HEARTBEAT_PERIOD), v.get(HEARTBEAT_TIMEOUT),
        v.get(NUM_TOKENS), v.get(INSTANCE_ID), v.get(INSTANCE_ADDR), v.get(ZONE), v.get(TOKENS_FILE),
        v.get(UNREGISTER_ON_SHUTDOWN), v.get(ZONE_AWARENESS_ENABLED), v.get(LEAVE_GRACE_PERIOD),
        v.get(LEAVE_STORE_GATEWAY_TIMEOUT));
  }

  /** Pyroscope's ingester ring: KV key {@code ring}, name {@code ingester}. */
  public RingConfig ringConfig() {
    return RingConfig.defaults("ingester", "ring").withReplicationFactor(replicationFactor)
        .withHeartbeatTimeout(heartbeatTimeout).withZoneAwareness(zoneAwarenessEnabled);
  }

  /** The lifecycler of an ingester advertising {@code addr}; the id defaults to the host name. */
  public LifecyclerConfig lifecyclerConfig(String defaultId, String addr) {
    return LifecyclerConfig.defaults("ring", instanceId.isEmpty() ? defaultId : instanceId, addr)
        .withZone(zone).withNumTokens(numTokens).withHeartbeatPeriod(heartbeatPeriod)
        .withHeartbeatTimeout(heartbeatTimeout).withUnregisterOnShutdown(unregisterOnShutdown)
        .withTokensFile(tokensFile.isEmpty() ? null : Path.of(tokensFile));
  }

  /**
   * Every problem, naming the flags; {@code runsIngester} adds the checks for a process that
   * registers an ingester: with zone awareness on, its zone must be set.
   */
  public List<String> validate(boolean runsIngester) {
    List<String> problems = validate();
    if (runsIngester && zoneAwarenessEnabled && zone.isEmpty()) {
      problems.add(ZONE.describe() + ": must be set when " + ZONE_AWARENESS_ENABLED.describe() + " is true: a"
          + " zone-aware ring places each series in different zones, so every ingester needs one");
    }
    return problems;
  }

  public List<String> validate() {
    List<String> problems = new ArrayList<>();
    if (!store.equals(RingFlags.STORE_AUTO) && !RingFlags.STORES.contains(store)) {
      problems.add(STORE.describe() + ": unknown KV store \"" + store + "\"; use one of " + RingFlags.STORES);
    }
    if (replicationFactor < 1) {
      problems.add(REPLICATION_FACTOR.describe() + ": must be at least 1, got " + replicationFactor);
    }
    if (numTokens < 1) {
      problems.add(NUM_TOKENS.describe() + ": must be at least 1, got " + numTokens);
    }
    if (heartbeatPeriod.isNegative() || heartbeatPeriod.isZero()) {
      problems.add(HEARTBEAT_PERIOD.describe() + ": must be positive");
    }
    if (leaveGracePeriod.isNegative()) {
      problems.add(LEAVE_GRACE_PERIOD.describe() + ": must not be negative, got " + leaveGracePeriod);
    }
    if (leaveStoreGatewayTimeout.isNegative()) {
      problems.add(LEAVE_STORE_GATEWAY_TIMEOUT.describe() + ": must not be negative, got " + leaveStoreGatewayTimeout);
    }
    return problems;
  }
}
