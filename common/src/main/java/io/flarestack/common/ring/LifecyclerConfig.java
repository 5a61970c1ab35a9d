package io.flarestack.common.ring;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.ring.v1.InstanceState;
import io.flarestack.common.config.ValueTypes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
 * @param heartbeatTimeout the ring's heartbeat timeout ({@code -ring.heartbeat-timeout}, 1m): while
 *     the instance's own heartbeats have been failing for longer, it forgets no other instance;
 *     zero means its own health is not checked
 * @param initialState how the instance enters the ring: {@code PENDING} registers without tokens,
 *     then picks tokens (JOINING) and turns ACTIVE, all during start (the ingester, as dskit's
 *     {@code Lifecycler}); {@code JOINING} registers JOINING with tokens and stays so until the
 *     component calls {@link Lifecycler#markActive()} (the store-gateway, after its first block
 *     sync); {@code ACTIVE} registers ACTIVE with tokens (distributor, compactor, query-scheduler)
 * @param unregisterOnShutdown whether a stopping instance removes itself from the ring, or
 *     stays LEAVING so a restart takes its tokens back ({@code -ingester.unregister-on-shutdown}, true)
 * @param tokensFile where the instance keeps its tokens across restarts: read on start when the
 *     file exists, written (atomically) once the instance has its tokens; empty for none
 *     ({@code -ingester.tokens-file-path})
 * @param autoForgetPeriod while healthy, the instance removes, during its own heartbeat, every
 *     other instance whose last heartbeat is older than this; zero means never (the ingester ring,
 *     where a dead instance is forgotten by hand)
 */
public record LifecyclerConfig(String ringKey, String instanceId, String addr, String zone, int numTokens,
    Duration heartbeatPeriod, Duration heartbeatTimeout, InstanceState initialState, boolean unregisterOnShutdown,
    Optional<Path> tokensFile, Duration autoForgetPeriod) {
  public static final int DEFAULT_NUM_TOKENS = 128;
  public static final Duration DEFAULT_HEARTBEAT_PERIOD = Duration.ofSeconds(5);
  public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofMinutes(1);
  private static final int MAX_TOKENS = 1 << 16;

  public LifecyclerConfig {
    requireNonNull(ringKey, "ringKey is null");
    requireNonNull(instanceId, "instanceId is null");
    requireNonNull(addr, "addr is null");
    requireNonNull(zone, "zone is null");
    requireNonNull(heartbeatPeriod, "heartbeatPeriod is null");
    requireNonNull(heartbeatTimeout, "heartbeatTimeout is null");
    requireNonNull(initialState, "initialState is null");
    requireNonNull(tokensFile, "tokensFile is null");
    requireNonNull(autoForgetPeriod, "autoForgetPeriod is null");
  }

  /**
   * The ingester's defaults, as Pyroscope's: no zone, 128 tokens, a heartbeat every 5s, a 1m
   * heartbeat timeout, PENDING → JOINING → ACTIVE on start, unregister on shutdown, no tokens
   * file, never forget other instances.
   */
  public static LifecyclerConfig defaults(String ringKey, String instanceId, String addr) {
    return new LifecyclerConfig(ringKey, instanceId, addr, "", DEFAULT_NUM_TOKENS, DEFAULT_HEARTBEAT_PERIOD,
        DEFAULT_HEARTBEAT_TIMEOUT, InstanceState.PENDING, true, Optional.empty(), Duration.ZERO);
  }

  public LifecyclerConfig withZone(String zone) {
    return new LifecyclerConfig(ringKey, instanceId, addr, zone, numTokens, heartbeatPeriod, heartbeatTimeout,
        initialState, unregisterOnShutdown, tokensFile, autoForgetPeriod);
  }

  public LifecyclerConfig withNumTokens(int numTokens) {
    return new LifecyclerConfig(ringKey, instanceId, addr, zone, numTokens, heartbeatPeriod, heartbeatTimeout,
        initialState, unregisterOnShutdown, tokensFile, autoForgetPeriod);
  }

  public LifecyclerConfig withHeartbeatPeriod(Duration heartbeatPeriod) {
    return new LifecyclerConfig(ringKey, instanceId, addr, zone, numTokens, heartbeatPeriod, heartbeatTimeout,
        initialState, unregisterOnShutdown, tokensFile, autoForgetPeriod);
  }

  public LifecyclerConfig withHeartbeatTimeout(Duration heartbeatTimeout) {
    return new LifecyclerConfig(ringKey, instanceId, addr, zone, numTokens, heartbeatPeriod, heartbeatTimeout,
        initialState, unregisterOnShutdown, tokensFile, autoForgetPeriod);
  }

  public LifecyclerConfig withInitialState(InstanceState initialState) {
    return new LifecyclerConfig(ringKey, instanceId, addr, zone, numTokens, heartbeatPeriod, heartbeatTimeout,
        initialState, unregisterOnShutdown, tokensFile, autoForgetPeriod);
  }

  public LifecyclerConfig withUnregisterOnShutdown(boolean unregisterOnShutdown) {
    return new LifecyclerConfig(ringKey, instanceId, addr, zone, numTokens, heartbeatPeriod, heartbeatTimeout,
        initialState, unregisterOnShutdown, tokensFile, autoForgetPeriod);
  }

  /** With a tokens file; null means none. */
  public LifecyclerConfig withTokensFile(Path tokensFile) {
    return new LifecyclerConfig(ringKey, instanceId, addr, zone, numTokens, heartbeatPeriod, heartbeatTimeout,
        initialState, unregisterOnShutdown, Optional.ofNullable(tokensFile), autoForgetPeriod);
  }

  public LifecyclerConfig withAutoForgetPeriod(Duration autoForgetPeriod) {
    return new LifecyclerConfig(ringKey, instanceId, addr, zone, numTokens, heartbeatPeriod, heartbeatTimeout,
        initialState, unregisterOnShutdown, tokensFile, autoForgetPeriod);
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
    String who = "lifecycler " + instanceId + ": ";
    if (addr.isEmpty()) {
      problems.add(who + "instance address must not be empty");
    }
    if (numTokens < 1 || numTokens > MAX_TOKENS) {
      problems.add(who + "number of tokens must be between 1 and " + MAX_TOKENS + ", got " + numTokens);
    }
    if (heartbeatPeriod.isNegative() || heartbeatPeriod.isZero()) {
      problems.add(who + "heartbeat period must be positive, got " + ValueTypes.formatDuration(heartbeatPeriod));
    }
    if (heartbeatTimeout.isNegative()) {
      problems.add(who + "heartbeat timeout must not be negative, got " + ValueTypes.formatDuration(heartbeatTimeout));
    }
    if (initialState != InstanceState.PENDING && initialState != InstanceState.JOINING
        && initialState != InstanceState.ACTIVE) {
      problems.add(who + "initial state must be PENDING, JOINING or ACTIVE, got " + initialState);
    }
    if (autoForgetPeriod.isNegative()) {
      problems.add(who + "auto-forget period must not be negative, got " + ValueTypes.formatDuration(autoForgetPeriod));
    } else if (!autoForgetPeriod.isZero() && autoForgetPeriod.compareTo(heartbeatPeriod) <= 0) {
      problems.add(who + "auto-forget period must be longer than the heartbeat period "
          + ValueTypes.formatDuration(heartbeatPeriod) + ", got " + ValueTypes.formatDuration(autoForgetPeriod));
    }
    return problems;
  }
}
