package io.flarestack.common.ring;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.config.ValueTypes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How one instance joins a ring.
 *
 * @param ringKey the KV key holding the ring, e.g. {@code ring}
 * @param instanceId unique in the ring ({@code -ingester.lifecycler.ID}, the hostname by default)
 * @param addr where other components reach the instance's gRPC server: {@code host:port}, or
 *     {@code inprocess:<name>} in a single process
 * @param zone the availability zone, empty when zone awareness is off
 * @param numTokens how many tokens the instance owns ({@code -ingester.num-tokens}, 128)
 * @param heartbeatPeriod how often the instance refreshes its heartbeat
 *     ({@code -ingester.heartbeat-period}, 5s)
 * @param unregisterOnShutdown whether a stopping instance removes itself from the ring, or
 *     stays LEAVING so a restart takes its tokens back ({@code -ingester.unregister-on-shutdown}, true)
 */
public record LifecyclerConfig(String ringKey, String instanceId, String addr, String zone, int numTokens,
    Duration heartbeatPeriod, boolean unregisterOnShutdown) {
  public static final int DEFAULT_NUM_TOKENS = 128;
  public static final Duration DEFAULT_HEARTBEAT_PERIOD = Duration.ofSeconds(5);
  private static final int MAX_TOKENS = 1 << 16;

  public LifecyclerConfig {
    requireNonNull(ringKey, "ringKey is null");
    requireNonNull(instanceId, "instanceId is null");
    requireNonNull(addr, "addr is null");
    requireNonNull(zone, "zone is null");
    requireNonNull(heartbeatPeriod, "heartbeatPeriod is null");
  }

  /** Pyroscope's defaults: no zone, 128 tokens, a heartbeat every 5s, unregister on shutdown. */
  public static LifecyclerConfig defaults(String ringKey, String instanceId, String addr) {
    return new LifecyclerConfig(ringKey, instanceId, addr, "", DEFAULT_NUM_TOKENS, DEFAULT_HEARTBEAT_PERIOD, true);
  }

  public LifecyclerConfig withZone(String zone) {
    return new LifecyclerConfig(ringKey, instanceId, addr, zone, numTokens, heartbeatPeriod, unregisterOnShutdown);
  }

  public LifecyclerConfig withNumTokens(int numTokens) {
    return new LifecyclerConfig(ringKey, instanceId, addr, zone, numTokens, heartbeatPeriod, unregisterOnShutdown);
  }

  public LifecyclerConfig withHeartbeatPeriod(Duration heartbeatPeriod) {
    return new LifecyclerConfig(ringKey, instanceId, addr, zone, numTokens, heartbeatPeriod, unregisterOnShutdown);
  }

  public LifecyclerConfig withUnregisterOnShutdown(boolean unregisterOnShutdown) {
    return new LifecyclerConfig(ringKey, instanceId, addr, zone, numTokens, heartbeatPeriod, unregisterOnShutdown);
  }

  /** Every problem with these settings, empty when valid. */
  public List<String> validate() {
    List<String> problems = new ArrayList<>();
    if (ringKey.isEmpty()) {
      problems.add("lifecycler: ring KV key must not be empty");
    }
    if (instanceId.isEmpty()) {
      problems.add("lifecycler: instance id must not be empty");
    }
    if (addr.isEmpty()) {
      problems.add("lifecycler " + instanceId + ": instance address must not be empty");
    }
    if (numTokens < 1 || numTokens > MAX_TOKENS) {
      problems.add("lifecycler " + instanceId + ": number of tokens must be between 1 and " + MAX_TOKENS + ", got "
          + numTokens);
    }
    if (heartbeatPeriod.isNegative() || heartbeatPeriod.isZero()) {
      problems.add("lifecycler " + instanceId + ": heartbeat period must be positive, got "
          + ValueTypes.formatDuration(heartbeatPeriod));
    }
    return problems;
  }
}
