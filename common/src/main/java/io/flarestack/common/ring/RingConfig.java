package io.flarestack.common.ring;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The read side of one ring.
 *
 * @param name the ring's name in metrics and on status pages, e.g. {@code ingester}
 * @param key the KV key holding the ring, e.g. {@code ring}
 * @param replicationFactor how many instances own each token ({@code -distributor.replication-factor},
 *     1 in single-binary mode, 3 in the microservices Helm values)
 * @param heartbeatTimeout an instance whose last heartbeat is older is unhealthy
 *     ({@code -ring.heartbeat-timeout}, 1m; zero means never)
 * @param zoneAwarenessEnabled whether a replication set takes at most one instance per
 *     availability zone, and reads across the ring count failures by zone
 *     ({@code -distributor.zone-awareness-enabled}, off)
 */
public record RingConfig(String name, String key, int replicationFactor, Duration heartbeatTimeout,
    boolean zoneAwarenessEnabled) {
  public static final int DEFAULT_REPLICATION_FACTOR = 1;
  public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofMinutes(1);

  public RingConfig {
    requireNonNull(name, "name is null");
    requireNonNull(key, "key is null");
    requireNonNull(heartbeatTimeout, "heartbeatTimeout is null");
  }

  /** A ring without zone awareness. */
  public RingConfig(String name, String key, int replicationFactor, Duration heartbeatTimeout) {
    this(name, key, replicationFactor, heartbeatTimeout, false);
  }

  /** Pyroscope's defaults: replication factor 1, heartbeat timeout 1m, no zone awareness. */
  public static RingConfig defaults(String name, String key) {
    return new RingConfig(name, key, DEFAULT_REPLICATION_FACTOR, DEFAULT_HEARTBEAT_TIMEOUT);
  }

  public RingConfig withReplicationFactor(int replicationFactor) {
    return new RingConfig(name, key, replicationFactor, heartbeatTimeout, zoneAwarenessEnabled);
  }

  public RingConfig withHeartbeatTimeout(Duration heartbeatTimeout) {
    return new RingConfig(name, key, replicationFactor, heartbeatTimeout, zoneAwarenessEnabled);
  }

  public RingConfig withZoneAwareness(boolean zoneAwarenessEnabled) {
    return new RingConfig(name, key, replicationFactor, heartbeatTimeout, zoneAwarenessEnabled);
  }

  /** Every problem with these settings, empty when valid. */
  public List<String> validate() {
    List<String> problems = new ArrayList<>();
    if (name.isEmpty()) {
      problems.add("ring name must not be empty");
    }
    if (key.isEmpty()) {
      problems.add("ring " + name + ": KV key must not be empty");
    }
    if (replicationFactor < 1) {
      problems.add("ring " + name + ": replication factor must be at least 1, got " + replicationFactor);
    }
    if (heartbeatTimeout.isNegative()) {
      problems.add("ring " + name + ": heartbeat timeout must not be negative, got " + heartbeatTimeout);
    }
    return problems;
  }
}
