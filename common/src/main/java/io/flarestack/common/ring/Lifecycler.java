package io.flarestack.common.ring;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.api.ring.v1.InstanceState;
import io.flarestack.api.ring.v1.RingDesc;
import io.flarestack.common.lifecycle.AbstractService;
import io.flarestack.common.ring.kv.KvStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write side of a hash ring for one instance (an ingester, later a store-gateway...): joins
 * the ring on start, heartbeats while running, and leaves on stop.
 *
 * <ul>
 *   <li>Start: registers as JOINING with {@code numTokens} random tokens that no other instance
 *       owns (or takes back the tokens of an entry it left behind under the same id), then turns
 *       ACTIVE.
 *   <li>Every {@code heartbeatPeriod}: refreshes its timestamp, re-adding itself if its entry
 *       vanished. A failed heartbeat is logged and retried on the next tick.
 *   <li>Stop: turns LEAVING, then removes itself when {@code unregisterOnShutdown}.
 * </ul>
 *
 * Time comes from the injected clock, periodic work runs on the injected executor (which the
 * caller owns and shuts down), and tokens come from the injected random generator. Thread-safe.
 */
public final class Lifecycler extends AbstractService {
  private static final Logger log = LoggerFactory.getLogger(Lifecycler.class);

  private final LifecyclerConfig config;
  private final KvStore kv;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final RandomGenerator random;

  private final Object lock = new Object(); // orders KV writes: a late heartbeat never undoes LEAVING
  private volatile InstanceState instanceState = InstanceState.PENDING;
  private volatile int[] tokens = new int[0];
  private long registeredTimestamp;
  private boolean leaving;
  private ScheduledFuture<?> heartbeat;

  /**
   * @param random used only while joining, from the thread calling {@link #start()}
   * @throws IllegalArgumentException when {@code config} is invalid
   */
  public Lifecycler(LifecyclerConfig config, KvStore kv, Clock clock, ScheduledExecutorService executor,
      RandomGenerator random) {
    super("lifecycler-" + requireNonNull(config, "config is null").instanceId());
    List<String> problems = config.validate();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    this.config = config;
    this.kv = requireNonNull(kv, "kv is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.executor = requireNonNull(executor, "executor is null");
    this.random = requireNonNull(random, "random is null");
  }

  @Override
  protected void doStart() {
    synchronized (lock) {
      join();
      write(InstanceState.ACTIVE);
    }
    long period = config.heartbeatPeriod().toNanos();
    heartbeat = executor.scheduleAtFixedRate(this::heartbeat, period, period, TimeUnit.NANOSECONDS);
    log.info("instance {} joined ring {} at {} with {} tokens", config.instanceId(), config.ringKey(), config.addr(),
        tokens.length);
  }

  @Override
  protected void doStop() {
    if (heartbeat != null) {
      heartbeat.cancel(false);
    }
    synchronized (lock) {
      leaving = true;
      if (tokens.length == 0) {
        return; // never joined
      }
      write(InstanceState.LEAVING);
      if (config.unregisterOnShutdown()) {
        kv.cas(config.ringKey(), current -> {
          RingDesc ring = RingCodec.decode(current);
          if (!ring.containsInstances(config.instanceId())) {
            return null;
          }
          return RingCodec.encode(ring.toBuilder().removeInstances(config.instanceId()).build());
        });
        instanceState = InstanceState.LEFT;
      }
    }
    log.info("instance {} left ring {}", config.instanceId(), config.ringKey());
  }

  /** This instance's state in the ring: PENDING before start, LEFT once unregistered. */
  public InstanceState instanceState() {
    return instanceState;
  }

  /** The tokens this instance owns, in unsigned order; empty before it joined. */
  public int[] tokens() {
    return tokens.clone();
  }

  public LifecyclerConfig config() {
    return config;
  }

  /** Picks tokens against the ring as it is at the moment of the write, and registers JOINING. */
  private void join() {
    // The update may run several times; only the attempt that was written counts.
    int[][] joinedTokens = new int[1][];
    long[] joinedAt = new long[1];
    kv.cas(config.ringKey(), current -> {
      RingDesc ring = RingCodec.decode(current);
      long now = clock.instant().getEpochSecond();
      InstanceDesc previous = ring.getInstancesMap().get(config.instanceId());
      Set<Integer> taken = new HashSet<>();
      ring.getInstancesMap().forEach((id, instance) -> {
        if (!id.equals(config.instanceId())) {
          taken.addAll(instance.getTokensList());
        }
      });
      List<Integer> kept = new ArrayList<>();
      if (previous != null && previous.getState() != InstanceState.LEFT) {
        // A restart without unregistering: keep the tokens, hence the series, it owned.
        for (int t : previous.getTokensList()) {
          if (!taken.contains(t)) {
            kept.add(t);
          }
        }
      }
      taken.addAll(kept);
      int[] chosen = new int[Math.max(config.numTokens(), kept.size())];
      int n = 0;
      for (int t : kept) {
        chosen[n++] = t;
      }
      if (n < chosen.length) {
        for (int t : Tokens.generate(chosen.length - n, taken, random)) {
          chosen[n++] = t;
        }
      }
      joinedTokens[0] = Tokens.sortUnsigned(chosen);
      joinedAt[0] = previous != null && previous.getRegisteredTimestamp() > 0 ? previous.getRegisteredTimestamp() : now;
      return RingCodec.encode(ring.toBuilder()
          .putInstances(config.instanceId(), describe(InstanceState.JOINING, now, joinedTokens[0], joinedAt[0]))
          .build());
    });
    tokens = joinedTokens[0];
    registeredTimestamp = joinedAt[0];
    instanceState = InstanceState.JOINING;
  }

  /** Writes this instance's entry with {@code state} and a fresh timestamp. Caller holds the lock. */
  private void write(InstanceState state) {
    int[] mine = tokens;
    kv.cas(config.ringKey(), current -> {
      RingDesc ring = RingCodec.decode(current);
      long now = clock.instant().getEpochSecond();
      return RingCodec.encode(ring.toBuilder()
          .putInstances(config.instanceId(), describe(state, now, mine, registeredTimestamp))
          .build());
    });
    instanceState = state;
  }

  private void heartbeat() {
    synchronized (lock) {
      if (leaving) {
        return;
      }
      try {
        write(instanceState);
      } catch (RuntimeException e) {
        log.warn("instance {} failed to heartbeat to ring {}; retrying in {}", config.instanceId(), config.ringKey(),
            config.heartbeatPeriod(), e);
      }
    }
  }

  private InstanceDesc describe(InstanceState state, long now, int[] tokens, long registeredTimestamp) {
    InstanceDesc.Builder b = InstanceDesc.newBuilder()
        .setId(config.instanceId())
        .setAddr(config.addr())
        .setZone(config.zone())
        .setState(state)
        .setTimestamp(now)
        .setRegisteredTimestamp(registeredTimestamp);
    for (int t : tokens) {
      b.addTokens(t);
    }
    return b.build();
  }
}
