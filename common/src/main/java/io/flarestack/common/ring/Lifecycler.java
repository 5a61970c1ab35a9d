package io.flarestack.common.ring;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.api.ring.v1.InstanceState;
import io.flarestack.api.ring.v1.RingDesc;
import io.flarestack.common.lifecycle.AbstractService;
import io.flarestack.common.ring.kv.KvStore;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
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
 * The write side of a hash ring for one instance (an ingester, a store-gateway, a distributor...):
 * registers on start, heartbeats while running, and leaves on stop. dskit's state machine, with
 * the entry path chosen by {@link LifecyclerConfig#initialState()}:
 *
 * <ul>
 *   <li>Start, not in the ring: {@code PENDING} registers PENDING without tokens, then picks
 *       {@code numTokens} tokens no other instance owns (JOINING) and turns ACTIVE; {@code JOINING}
 *       and {@code ACTIVE} register in that state with their tokens. Tokens come from the tokens
 *       file when it exists (then a PENDING instance goes straight to ACTIVE), topped up or trimmed
 *       to {@code numTokens}.
 *   <li>Start, already in the ring under this id: a LEAVING entry (a stop without unregistering)
 *       is taken back with its tokens; a JOINING entry (a crash during start) is first reset to
 *       PENDING; any entry's tokens are kept.
 *   <li>Every {@code heartbeatPeriod}: refreshes its timestamp, re-adding itself if its entry
 *       vanished, and adopts its entry's tokens as the ring resolved them (topped up when a token
 *       conflict took some). With an auto-forget period, a healthy instance also removes, in the
 *       same write, every other instance whose heartbeat is older than the period. A failed
 *       heartbeat is logged and retried on the next tick.
 *   <li>Stop: turns LEAVING, runs the before-leaving hook (heartbeats go on meanwhile), then
 *       removes itself, or, when {@code unregisterOnShutdown} is false, keeps its LEAVING entry
 *       and tokens with the heartbeat cleared (readers stop asking a process that is gone). When
 *       the hook fails, the entry stays LEAVING, so that a restart takes the tokens back, and the
 *       stop fails.
 * </ul>
 *
 * Every write stamps {@code updated_at_millis} with {@code max(now, previous + 1)}, so two writes
 * in the same millisecond stay ordered for a merging KV backend. Time comes from the injected
 * clock, periodic work runs on the injected executor (which the caller owns and shuts down), and
 * tokens come from the injected random generator. Thread-safe.
 */
public final class Lifecycler extends AbstractService {
  private static final Logger log = LoggerFactory.getLogger(Lifecycler.class);

  /** Work a component does between turning LEAVING and leaving the ring, e.g. flushing its data. */
  @FunctionalInterface
  public interface BeforeLeaving {
    void run() throws Exception;
  }

  private enum TokenPolicy {
    /** Register without tokens. */
    NONE,
    /** Keep the tokens this instance holds, minus any another instance owns, topped up to numTokens. */
    FILL,
    /** Heartbeat: the entry's tokens as the ring holds them, topped up unless PENDING or LEAVING. */
    ADOPT
  }

  private final LifecyclerConfig config;
  private final KvStore kv;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final RandomGenerator random;
  private final BeforeLeaving beforeLeaving;

  private final Object lock = new Object(); // orders KV writes: a late heartbeat never undoes LEAVING
  private volatile InstanceState instanceState = InstanceState.PENDING;
  private volatile int[] tokens = new int[0];
  // Guarded by lock:
  private long registeredTimestamp;
  private long lastWrittenMillis;
  private long lastHeartbeatMillis;
  private boolean registered;
  private boolean unregistered;
  private ScheduledFuture<?> heartbeat;

  /** A lifecycler with nothing to do before leaving. */
  public Lifecycler(LifecyclerConfig config, KvStore kv, Clock clock, ScheduledExecutorService executor,
      RandomGenerator random) {
    this(config, kv, clock, executor, random, () -> {});
  }

  /**
   * @param random used under the lifecycler's lock only, so it need not be thread-safe
   * @param beforeLeaving runs on the thread calling {@link #stop()} once the instance is LEAVING;
   *     it may take minutes
   * @throws IllegalArgumentException when {@code config} is invalid
   */
  public Lifecycler(LifecyclerConfig config, KvStore kv, Clock clock, ScheduledExecutorService executor,
      RandomGenerator random, BeforeLeaving beforeLeaving) {
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
    this.beforeLeaving = requireNonNull(beforeLeaving, "beforeLeaving is null");
  }

  @Override
  protected void doStart() {
    int[] fromFile = config.tokensFile().map(TokensFile::read).orElse(null);
    synchronized (lock) {
      InstanceDesc existing = RingCodec.decode(kv.get(config.ringKey())).getInstancesMap().get(config.instanceId());
      registeredTimestamp = existing != null && existing.getRegisteredTimestamp() > 0
          ? existing.getRegisteredTimestamp()
          : Math.floorDiv(clock.millis(), 1000);
      int[] known = existing != null && existing.getTokensCount() > 0
          ? existing.getTokensList().stream().mapToInt(Integer::intValue).toArray()
          : fromFile != null ? fromFile : new int[0];
      tokens = known;
      if (existing != null) {
        log.info("instance {} found its entry in ring {} as {} with {} tokens", config.instanceId(), config.ringKey(),
            existing.getState(), existing.getTokensCount());
      }
      if (existing != null && existing.getState() == InstanceState.JOINING) {
        // It crashed while joining: start over from PENDING, keeping the tokens it had picked.
        write(InstanceState.PENDING, TokenPolicy.FILL, false);
      }
      if (config.initialState() == InstanceState.PENDING && known.length == 0) {
        write(InstanceState.PENDING, TokenPolicy.NONE, false);
        write(InstanceState.JOINING, TokenPolicy.FILL, false); // tokens picked against the ring as it is now
        write(InstanceState.ACTIVE, TokenPolicy.FILL, false);
      } else {
        InstanceState target = config.initialState() == InstanceState.JOINING ? InstanceState.JOINING
            : InstanceState.ACTIVE;
        write(target, TokenPolicy.FILL, false);
      }
      saveTokens();
      long period = config.heartbeatPeriod().toNanos();
      heartbeat = executor.scheduleAtFixedRate(this::heartbeat, period, period, TimeUnit.NANOSECONDS);
    }
    log.info("instance {} registered in ring {} at {} as {} with {} tokens", config.instanceId(), config.ringKey(),
        config.addr(), instanceState, tokens.length);
  }

  @Override
  protected void doStop() throws Exception {
    synchronized (lock) {
      if (!registered) {
        cancelHeartbeat();
        return; // never joined
      }
      try {
        write(InstanceState.LEAVING, TokenPolicy.ADOPT, false);
      } catch (RuntimeException e) {
        log.warn("instance {} could not turn LEAVING in ring {}; leaving anyway", config.instanceId(),
            config.ringKey(), e);
      }
    }
    Exception failure = null;
    try {
      beforeLeaving.run();
    } catch (Exception e) {
      failure = e;
    }
    synchronized (lock) {
      cancelHeartbeat();
      unregistered = true; // a heartbeat waiting for the lock writes nothing
      if (failure != null) {
        throw new IllegalStateException("instance " + config.instanceId() + " failed before leaving ring "
            + config.ringKey() + ", so it stays LEAVING there: " + failure.getMessage(), failure);
      }
      if (config.unregisterOnShutdown()) {
        kv.cas(config.ringKey(), current -> {
          RingDesc ring = RingCodec.decode(current);
          if (!ring.containsInstances(config.instanceId())) {
            return null;
          }
          return RingCodec.encode(ring.toBuilder().removeInstances(config.instanceId()).build());
        });
        instanceState = InstanceState.LEFT;
      } else {
        keepLeaving();
      }
    }
    log.info("instance {} left ring {} ({})", config.instanceId(), config.ringKey(),
        config.unregisterOnShutdown() ? "unregistered" : "kept LEAVING");
  }

  /**
   * Keeps this instance's entry LEAVING, with its tokens, for a restart to take back, but with
   * its heartbeat cleared: the process is about to exit, so readers should stop asking it now
   * rather than once the heartbeat timeout has passed (a query sent meanwhile would fail).
   * Caller holds the lock. A failed write is logged: the heartbeat then times out as usual.
   */
  private void keepLeaving() {
    try {
      kv.cas(config.ringKey(), current -> {
        RingDesc ring = RingCodec.decode(current);
        InstanceDesc seen = ring.getInstancesMap().get(config.instanceId());
        if (seen == null) {
          return null;
        }
        long stamp = Math.max(clock.millis(), Math.max(lastWrittenMillis, RingMerge.updatedAtMillis(seen)) + 1);
        return RingCodec.encode(ring.toBuilder().putInstances(config.instanceId(),
            seen.toBuilder().setState(InstanceState.LEAVING).setTimestamp(0).setUpdatedAtMillis(stamp).build()).build());
      });
    } catch (RuntimeException e) {
      log.warn("instance {} could not clear its heartbeat in ring {}; readers skip it once it times out",
          config.instanceId(), config.ringKey(), e);
    }
  }

  /**
   * Turns a JOINING instance ACTIVE, e.g. a store-gateway once its first block sync is done. Does
   * nothing when it is ACTIVE already.
   *
   * @throws IllegalStateException when the lifecycler is not running, or the instance is LEAVING
   * @throws java.io.UncheckedIOException when the KV store cannot be written
   */
  public void markActive() {
    synchronized (lock) {
      if (state() != State.RUNNING || unregistered) {
        throw new IllegalStateException("lifecycler of " + config.instanceId() + " is " + state()
            + "; it can turn ACTIVE only while running");
      }
      if (instanceState == InstanceState.ACTIVE) {
        return;
      }
      if (instanceState == InstanceState.LEAVING) {
        throw new IllegalStateException("instance " + config.instanceId() + " is LEAVING ring " + config.ringKey());
      }
      write(InstanceState.ACTIVE, TokenPolicy.FILL, false);
    }
    log.info("instance {} is ACTIVE in ring {}", config.instanceId(), config.ringKey());
  }

  /** This instance's state in the ring: PENDING before start, LEFT once unregistered. */
  public InstanceState instanceState() {
    return instanceState;
  }

  /** Whether the lifecycler runs and the instance is ACTIVE in the ring: what {@code /ready} waits for. */
  public boolean isActive() {
    return state() == State.RUNNING && instanceState == InstanceState.ACTIVE;
  }

  @Override
  public boolean isHealthy() {
    return isActive();
  }

  @Override
  public String unhealthyReason() {
    if (state() != State.RUNNING || isActive()) {
      return super.unhealthyReason();
    }
    return "instance " + config.instanceId() + " is " + instanceState + " in ring " + config.ringKey()
        + ", not ACTIVE";
  }

  /** The tokens this instance owns, in unsigned order; empty before it joined. */
  public int[] tokens() {
    return tokens.clone();
  }

  public LifecyclerConfig config() {
    return config;
  }

  private void heartbeat() {
    synchronized (lock) {
      if (!registered || unregistered) {
        return;
      }
      try {
        int[] before = tokens;
        write(instanceState, TokenPolicy.ADOPT, !config.autoForgetPeriod().isZero());
        if (!Arrays.equals(before, tokens)) {
          log.info("instance {} now owns {} tokens in ring {} (had {})", config.instanceId(), tokens.length,
              config.ringKey(), before.length);
          saveTokens();
        }
      } catch (RuntimeException e) {
        log.warn("instance {} failed to heartbeat to ring {}; retrying in {}", config.instanceId(), config.ringKey(),
            config.heartbeatPeriod(), e);
      }
    }
  }

  /**
   * Writes this instance's entry with {@code state}, a fresh heartbeat and a later update time,
   * choosing its tokens by {@code policy} against the ring as it is at the moment of the write.
   * Caller holds the lock.
   */
  private void write(InstanceState state, TokenPolicy policy, boolean forget) {
    // The update may run several times; only the attempt that was written counts.
    Written[] written = new Written[1];
    kv.cas(config.ringKey(), current -> {
      RingDesc ring = RingCodec.decode(current);
      long now = clock.millis();
      InstanceDesc seen = ring.getInstancesMap().get(config.instanceId());
      long previous = Math.max(lastWrittenMillis, seen == null ? 0 : RingMerge.updatedAtMillis(seen));
      long stamp = Math.max(now, previous + 1);
      Set<Integer> taken = new HashSet<>();
      ring.getInstancesMap().forEach((id, instance) -> {
        if (!id.equals(config.instanceId()) && instance.getState() != InstanceState.LEFT) {
          taken.addAll(instance.getTokensList());
        }
      });
      int[] mine = switch (policy) {
        case NONE -> new int[0];
        case FILL -> fill(tokens, taken);
        case ADOPT -> {
          int[] held = seen != null ? seen.getTokensList().stream().mapToInt(Integer::intValue).toArray() : tokens;
          yield state == InstanceState.PENDING || state == InstanceState.LEAVING ? held : fill(held, taken);
        }
      };
      RingDesc.Builder next = ring.toBuilder();
      List<String> forgotten = forget ? forget(ring, next, now) : List.of();
      next.putInstances(config.instanceId(), describe(state, Math.floorDiv(now, 1000), stamp, mine));
      written[0] = new Written(stamp, mine, now, forgotten);
      return RingCodec.encode(next.build());
    });
    Written w = written[0];
    lastWrittenMillis = w.stamp();
    lastHeartbeatMillis = w.now();
    tokens = w.tokens();
    instanceState = state;
    registered = true;
    for (String id : w.forgotten()) {
      log.info("instance {} forgot instance {} in ring {}: no heartbeat for more than {}", config.instanceId(), id,
          config.ringKey(), config.autoForgetPeriod());
    }
  }

  /** Removes from {@code next} the other instances whose heartbeat is older than the auto-forget period. */
  private List<String> forget(RingDesc ring, RingDesc.Builder next, long now) {
    long timeout = config.heartbeatTimeout().toMillis();
    if (timeout > 0 && now - lastHeartbeatMillis > timeout) {
      return List.of(); // our own heartbeats failed for a while: our view may be stale, forget nobody
    }
    List<String> forgotten = new ArrayList<>();
    ring.getInstancesMap().forEach((id, instance) -> {
      if (!id.equals(config.instanceId()) && now - instance.getTimestamp() * 1000 > config.autoForgetPeriod().toMillis()) {
        next.removeInstances(id);
        forgotten.add(id);
      }
    });
    return forgotten;
  }

  /** {@code held} minus the tokens another instance owns, trimmed or topped up to numTokens. */
  private int[] fill(int[] held, Set<Integer> taken) {
    int[] kept = Arrays.stream(held).filter(t -> !taken.contains(t)).distinct().toArray();
    kept = Tokens.sortUnsigned(kept);
    if (kept.length >= config.numTokens()) {
      return Arrays.copyOf(kept, config.numTokens());
    }
    Set<Integer> avoid = new HashSet<>(taken);
    for (int t : kept) {
      avoid.add(t);
    }
    int[] added = Tokens.generate(config.numTokens() - kept.length, avoid, random);
    int[] all = Arrays.copyOf(kept, config.numTokens());
    System.arraycopy(added, 0, all, kept.length, added.length);
    return Tokens.sortUnsigned(all);
  }

  private void saveTokens() {
    config.tokensFile().ifPresent(file -> {
      if (tokens.length == 0) {
        return;
      }
      try {
        TokensFile.write(file, tokens);
      } catch (IOException e) {
        log.warn("instance {} could not write its ring tokens to {}; a restart will pick new ones",
            config.instanceId(), file, e);
      }
    });
  }

  private void cancelHeartbeat() {
    if (heartbeat != null) {
      heartbeat.cancel(false);
    }
  }

  private InstanceDesc describe(InstanceState state, long nowSeconds, long stamp, int[] tokens) {
    InstanceDesc.Builder b = InstanceDesc.newBuilder()
        .setId(config.instanceId())
        .setAddr(config.addr())
        .setZone(config.zone())
        .setState(state)
        .setTimestamp(nowSeconds)
        .setRegisteredTimestamp(registeredTimestamp)
        .setUpdatedAtMillis(stamp);
    for (int t : tokens) {
      b.addTokens(t);
    }
    return b.build();
  }

  private record Written(long stamp, int[] tokens, long now, List<String> forgotten) {}
}
