package io.flarestack.common.ring;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.Option;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The options every ring but the ingester's shares, under one prefix, with Pyroscope's names
 * (dskit's "common ring" block): {@code <prefix>.kvstore.store} / {@code -<prefix>.store},
 * {@code heartbeat_period}, {@code heartbeat_timeout}, {@code instance_id}, {@code instance_addr}
 * and {@code instance_availability_zone}. For example the distributor's ring is
 * {@code of("distributor.ring", "distributor.ring", 15s)}: {@code -distributor.ring.store},
 * {@code -distributor.ring.instance-id}, ... Immutable.
 *
 * @param store which KV store holds the ring; {@link #STORE_AUTO} (empty) picks {@code memberlist}
 *     when {@code -memberlist.join} is given and {@code inmemory} otherwise
 */
public record RingFlags(Option<String> store, Option<Duration> heartbeatPeriod, Option<Duration> heartbeatTimeout,
    Option<String> instanceId, Option<String> instanceAddr, Option<String> zone) {
  /** The store value that means "memberlist when joined to a cluster, else in-memory". */
  public static final String STORE_AUTO = "";
  public static final String STORE_INMEMORY = "inmemory";
  public static final String STORE_MEMBERLIST = "memberlist";
  public static final String STORE_ETCD = "etcd";
  public static final List<String> STORES = List.of(STORE_INMEMORY, STORE_MEMBERLIST, STORE_ETCD);

  public RingFlags {
    requireNonNull(store, "store is null");
    requireNonNull(heartbeatPeriod, "heartbeatPeriod is null");
    requireNonNull(heartbeatTimeout, "heartbeatTimeout is null");
    requireNonNull(instanceId, "instanceId is null");
    requireNonNull(instanceAddr, "instanceAddr is null");
    requireNonNull(zone, "zone is null");
  }

  /**
   * @param yamlPrefix e.g. {@code store_gateway.sharding_ring}
   * @param flagPrefix e.g. {@code store-gateway.sharding-ring}
   * @param defaultHeartbeatPeriod Pyroscope's period for this ring (15s for all of them)
   */
  public static RingFlags of(String yamlPrefix, String flagPrefix, Duration defaultHeartbeatPeriod) {
    return new RingFlags(
        storeOption(yamlPrefix + ".kvstore.store", flagPrefix + ".store"),
        Option.duration(yamlPrefix + ".heartbeat_period", flagPrefix + ".heartbeat-period", defaultHeartbeatPeriod,
            "Period at which to heartbeat to the ring."),
        Option.duration(yamlPrefix + ".heartbeat_timeout", flagPrefix + ".heartbeat-timeout", Duration.ofMinutes(1),
            "The heartbeat timeout after which instances are considered unhealthy within the ring. 0 = never."),
        Option.string(yamlPrefix + ".instance_id", flagPrefix + ".instance-id", "",
            "Instance ID to register in the ring (default: the host name)."),
        Option.string(yamlPrefix + ".instance_addr", flagPrefix + ".instance-addr", "",
            "IP address to advertise in the ring (default: -memberlist.advertise-addr, else -memberlist.bind-addr,"
                + " else the first private interface)."),
        Option.string(yamlPrefix + ".instance_availability_zone", flagPrefix + ".instance-availability-zone", "",
            "The availability zone where this instance is running."));
  }

  /** A ring's KV store option, with the auto default (also used by the ingester ring's {@code -ring.store}). */
  public static Option<String> storeOption(String yamlPath, String flag) {
    return Option.string(yamlPath, flag, STORE_AUTO,
        "Backend storage to use for the ring: inmemory, memberlist or etcd. Empty: memberlist when"
            + " -memberlist.join is set, else inmemory (a single process).");
  }

  public List<Option<?>> options() {
    return List.of(store, heartbeatPeriod, heartbeatTimeout, instanceId, instanceAddr, zone);
  }

  /** The values of these options. */
  public Settings from(ConfigValues v) {
    return new Settings(v.get(store), v.get(heartbeatPeriod), v.get(heartbeatTimeout), v.get(instanceId),
        v.get(instanceAddr), v.get(zone));
  }

  /** Every problem with {@code s}, naming the flags; empty when valid. */
  public List<String> validate(Settings s) {
    List<String> problems = new ArrayList<>();
    if (!s.store().equals(STORE_AUTO) && !STORES.contains(s.store())) {
      problems.add(store.describe() + ": unknown KV store \"" + s.store() + "\"; use one of " + STORES);
    }
    if (s.heartbeatPeriod().isNegative() || s.heartbeatPeriod().isZero()) {
      problems.add(heartbeatPeriod.describe() + ": must be positive");
    }
    if (s.heartbeatTimeout().isNegative()) {
      problems.add(heartbeatTimeout.describe() + ": must not be negative");
    }
    return problems;
  }

  /** The store a ring uses: its own choice, or memberlist when the process joins a cluster, else in-memory. */
  public static String effectiveStore(String configured, boolean memberlistJoinGiven) {
    if (!configured.equals(STORE_AUTO)) {
      return configured;
    }
    return memberlistJoinGiven ? STORE_MEMBERLIST : STORE_INMEMORY;
  }

  /** One ring's settings. */
  public record Settings(String store, Duration heartbeatPeriod, Duration heartbeatTimeout, String instanceId,
      String instanceAddr, String zone) {}
}
