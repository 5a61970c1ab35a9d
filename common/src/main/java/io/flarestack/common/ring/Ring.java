package io.flarestack.common.ring;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.api.ring.v1.InstanceState;
import io.flarestack.api.ring.v1.RingDesc;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.lifecycle.AbstractService;
import io.flarestack.common.ring.kv.KvStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read side of a hash ring, used by distributors and queriers to pick instances: watches the
 * ring's KV key and keeps an immutable snapshot, so lookups take no lock and never touch the KV.
 *
 * <p>{@link #get} follows dskit: walk clockwise from the first token after the key, collecting
 * {@code replicationFactor} distinct instances (one more for each instance whose state does not
 * serve the operation), then drop the unhealthy ones. They still count toward the quorum of
 * {@code n/2 + 1}, so with replication factor 3 one unhealthy replica is tolerated and two are not.
 * Health uses the injected clock. Thread-safe.
 */
public final class Ring extends AbstractService {
  private static final Logger log = LoggerFactory.getLogger(Ring.class);

  private final RingConfig config;
  private final KvStore kv;
  private final Clock clock;
  private final MeterRegistry registry;
  private volatile RingSnapshot snapshot = RingSnapshot.EMPTY;
  private AutoCloseable watch;
  private RingMetrics metrics;

  /**
   * @throws IllegalArgumentException when {@code config} is invalid
   */
  public Ring(RingConfig config, KvStore kv, Clock clock, MeterRegistry registry) {
    super("ring-" + requireNonNull(config, "config is null").name());
    List<String> problems = config.validate();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    this.config = config;
    this.kv = requireNonNull(kv, "kv is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.registry = requireNonNull(registry, "registry is null");
  }

  @Override
  protected void doStart() {
    update(kv.get(config.key()));
    watch = kv.watch(config.key(), this::update);
    metrics = new RingMetrics(config.name(), () -> snapshot, clock, config.heartbeatTimeout(), registry);
  }

  @Override
  protected void doStop() throws Exception {
    if (metrics != null) {
      metrics.close();
    }
    if (watch != null) {
      watch.close();
    }
  }

  private void update(byte[] value) {
    try {
      snapshot = RingSnapshot.of(RingCodec.decode(value));
    } catch (UncheckedIOException e) {
      log.warn("ring {}: ignoring a KV value under key {} that does not decode; keeping the previous ring",
          config.name(), config.key(), e);
    }
  }

  public RingConfig config() {
    return config;
  }

  public int replicationFactor() {
    return config.replicationFactor();
  }

  /** Every registered instance, whatever its state or health, sorted by id. */
  public List<InstanceDesc> instances() {
    return snapshot.instances();
  }

  /**
   * Removes an instance's entry from the ring (the ring page's Forget button), for an instance
   * that died without leaving. A CAS on the ring's KV key that drops the entry; a gossiping
   * backend turns the removal into a LEFT tombstone. An instance that is in fact alive re-adds
   * itself with its next heartbeat. The snapshot follows through the KV watch.
   *
   * @return false when the ring holds no entry under {@code instanceId} (nothing is written)
   * @throws java.io.UncheckedIOException when the KV store cannot be reached or its value does
   *     not decode
   */
  public boolean forget(String instanceId) {
    requireNonNull(instanceId, "instanceId is null");
    boolean[] found = new boolean[1]; // from the CAS attempt that counted
    kv.cas(config.key(), current -> {
      RingDesc ring = RingCodec.decode(current);
      found[0] = ring.containsInstances(instanceId);
      return found[0] ? RingCodec.encode(ring.toBuilder().removeInstances(instanceId).build()) : null;
    });
    if (found[0]) {
      log.info("ring {}: forgot instance {}", config.name(), instanceId);
    }
    return found[0];
  }

  /**
   * The instances that own {@code token} for {@code op}.
   *
   * @param token an unsigned 32-bit token, e.g. from {@link RingHash}
   * @throws FlarestackException {@link ErrorCode#UNAVAILABLE} when the ring is empty or too many
   *     of the owners are unhealthy to reach a quorum
   */
  public ReplicationSet get(int token, Operation op) {
    requireNonNull(op, "op is null");
    RingSnapshot ring = snapshot;
    List<InstanceDesc> all = ring.instances();
    if (ring.tokenCount() == 0) {
      throw emptyRing();
    }
    int wanted = config.replicationFactor();
    int skipped = 0; // owners in a state that cannot serve op, each of which extended the set by one
    List<InstanceDesc> owners = new ArrayList<>(wanted);
    int[] seen = new int[Math.min(all.size(), 8)];
    int position = ring.firstTokenAfter(token);
    for (int step = 0; step < ring.tokenCount() && owners.size() < Math.min(wanted, all.size()); step++) {
      int index = ring.ownerAt(position);
      position = position + 1 == ring.tokenCount() ? 0 : position + 1;
      if (contains(seen, owners.size(), index)) {
        continue;
      }
      if (owners.size() == seen.length) {
        seen = Arrays.copyOf(seen, seen.length * 2);
      }
      seen[owners.size()] = index;
      InstanceDesc owner = all.get(index);
      owners.add(owner);
      if (op.extendsReplicaSet(owner.getState())) {
        wanted++;
        skipped++;
      }
    }
    // The quorum is taken over the owners that can serve op: an instance passed over for its
    // state (a LEAVING ingester, for a write) is replaced by the next one, not counted against
    // the quorum. dskit counts it (max(RF, walked)/2+1), which with replication factor 1 makes
    // every write to a leaving ingester's tokens fail (2 of 2 needed, 1 can answer).
    int minSuccess = Math.max(config.replicationFactor(), owners.size() - skipped) / 2 + 1;
    Instant now = clock.instant();
    List<InstanceDesc> healthy = new ArrayList<>(owners.size());
    List<String> unhealthy = new ArrayList<>();
    for (InstanceDesc owner : owners) {
      if (RingSnapshot.isHealthy(owner, op, config.heartbeatTimeout(), now)) {
        healthy.add(owner);
      } else {
        unhealthy.add(describe(owner, now));
      }
    }
    if (healthy.size() < minSuccess) {
      throw new FlarestackException(ErrorCode.UNAVAILABLE, "too many unhealthy instances in the ring " + config.name()
          + ": at least " + minSuccess + " live replicas required for " + op + ", could only find " + healthy.size()
          + (unhealthy.isEmpty() ? "" : " (unhealthy: " + String.join(", ", unhealthy) + ")"));
    }
    return new ReplicationSet(healthy, healthy.size() - minSuccess);
  }

  /**
   * Every instance healthy for {@code op}, none of which may fail: for reads that must see every
   * instance's data, such as queriers fanning out to all ingesters with replication factor 1.
   *
   * @throws FlarestackException {@link ErrorCode#UNAVAILABLE} when no instance is healthy
   */
  public ReplicationSet getAllHealthy(Operation op) {
    requireNonNull(op, "op is null");
    List<InstanceDesc> healthy = healthyInstances(op);
    if (healthy.isEmpty()) {
      throw snapshot.instances().isEmpty() ? emptyRing() : new FlarestackException(ErrorCode.UNAVAILABLE,
          "too many unhealthy instances in the ring " + config.name() + ": none of " + snapshot.instances().size()
              + " instances is healthy for " + op);
    }
    return new ReplicationSet(healthy, 0);
  }

  /**
   * Every healthy instance, tolerating as many failures as the replication factor allows
   * (dskit's {@code GetReplicationSetForOperation}): with RF 3, reads across all ingesters
   * succeed while one instance fails, since every series has two other replicas.
   *
   * @throws FlarestackException {@link ErrorCode#UNAVAILABLE} when more instances are unhealthy
   *     than the replication factor tolerates
   */
  public ReplicationSet getReplicationSetForOperation(Operation op) {
    requireNonNull(op, "op is null");
    List<InstanceDesc> healthy = healthyInstances(op);
    int registered = snapshot.instances().size();
    if (registered == 0) {
      throw emptyRing();
    }
    int required = Math.max(registered, config.replicationFactor()) - config.replicationFactor() / 2;
    if (healthy.size() < required) {
      throw new FlarestackException(ErrorCode.UNAVAILABLE, "too many unhealthy instances in the ring " + config.name()
          + ": " + required + " healthy instances required for " + op + ", could only find " + healthy.size());
    }
    return new ReplicationSet(healthy, healthy.size() - required);
  }

  /** How many instances are ACTIVE with a fresh heartbeat, e.g. to share a global rate limit. */
  public int healthyInstanceCount() {
    return healthyInstances(Operation.WRITE).size();
  }

  /** False until the ring has an ACTIVE instance with a fresh heartbeat; feeds {@code /ready}. */
  @Override
  public boolean isHealthy() {
    return state() == State.RUNNING && snapshot.hasHealthyInstance(config.heartbeatTimeout(), clock.instant());
  }

  @Override
  public String unhealthyReason() {
    if (state() != State.RUNNING) {
      return "ring " + config.name() + " is " + state();
    }
    if (isHealthy()) {
      return null;
    }
    return "ring " + config.name() + " has no healthy ACTIVE instance (" + snapshot.instances().size() + " registered)";
  }

  private List<InstanceDesc> healthyInstances(Operation op) {
    Instant now = clock.instant();
    List<InstanceDesc> healthy = new ArrayList<>();
    for (InstanceDesc i : snapshot.instances()) {
      if (RingSnapshot.isHealthy(i, op, config.heartbeatTimeout(), now)) {
        healthy.add(i);
      }
    }
    return healthy;
  }

  private static boolean contains(int[] values, int count, int value) {
    for (int i = 0; i < count; i++) {
      if (values[i] == value) {
        return true;
      }
    }
    return false;
  }

  private FlarestackException emptyRing() {
    return new FlarestackException(ErrorCode.UNAVAILABLE, "ring " + config.name() + " is empty: no instance has registered"
        + " under KV key " + '"' + config.key() + '"');
  }

  private String describe(InstanceDesc instance, Instant now) {
    if (instance.getState() != InstanceState.ACTIVE) {
      return instance.getId() + " is " + instance.getState();
    }
    return instance.getId() + " last heartbeat " + (now.getEpochSecond() - instance.getTimestamp()) + "s ago";
  }
}
