package io.flarestack.common.ring;

import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.api.ring.v1.InstanceState;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A subset of one ring snapshot's instances (a shuffle shard, as dskit's
 * {@code ShuffleShard}), and the replica sets of keys within it. Immutable and thread-safe.
 *
 * <p><b>Choosing a shard.</b> {@link #shuffleShard(int, int, Operation)} picks instances one
 * at a time: pick {@code i} hashes {@code (seed, i)} to a ring position and walks clockwise
 * from it to the first instance that belongs to this shard and was not picked yet. So the
 * choice depends only on the identity's seed and the ring, never on other identities or on
 * order of calls, and:
 * <ul>
 *   <li>it is stable as the ring grows: a new instance changes a shard only when one of its
 *       tokens lands in the stretch a pick walked over (with {@code T} tokens per instance and
 *       {@code N} instances, a shard of {@code s} changes with probability about {@code s/N});
 *   <li>widening keeps what was there: the shard of size {@code s + 1} is the shard of size
 *       {@code s} plus one instance, because the first {@code s} picks are the same;
 *   <li>instances that are not healthy for the operation (another state, or a stale heartbeat)
 *       stay in the shard where they were picked but do not count toward its size: the shard
 *       takes one more instance for each, so it holds {@code size} healthy instances whenever
 *       the ring has them, and the healthy ones keep their place while another one is down.
 * </ul>
 *
 * <p><b>Keys within a shard.</b> {@link #get} is {@link Ring#get} restricted to the shard's
 * instances: walk clockwise from the key's token over the tokens of the shard's instances only,
 * with the same replication factor, replica-set extension and quorum. A shard of exactly the
 * replication factor's size therefore gives every key the same replicas, and a wider shard
 * spreads keys over its instances by their tokens, each on RF of them.
 */
public final class ShuffleShard {
  private final RingConfig config;
  private final Clock clock;
  private final RingSnapshot ring;
  private final boolean[] members; // by index into ring.instances()
  private final int memberCount;

  private ShuffleShard(RingConfig config, Clock clock, RingSnapshot ring, boolean[] members, int memberCount) {
    this.config = config;
    this.clock = clock;
    this.ring = ring;
    this.members = members;
    this.memberCount = memberCount;
  }

  /** Every instance of a snapshot that owns at least one token (none other can own a key). */
  static ShuffleShard whole(RingConfig config, Clock clock, RingSnapshot ring) {
    boolean[] all = new boolean[ring.instances().size()];
    int count = 0;
    for (int i = 0; i < all.length; i++) {
      all[i] = ring.instances().get(i).getTokensCount() > 0;
      count += all[i] ? 1 : 0;
    }
    return new ShuffleShard(config, clock, ring, all, count);
  }

  /** The shard's instances, sorted by id. */
  public List<InstanceDesc> instances() {
    List<InstanceDesc> out = new ArrayList<>(memberCount);
    for (int i = 0; i < members.length; i++) {
      if (members[i]) {
        out.add(ring.instances().get(i));
      }
    }
    return out;
  }

  /** How many instances the shard holds, healthy or not. */
  public int size() {
    return memberCount;
  }

  /**
   * The shard of {@code size} instances healthy for {@code op} within this one, for the identity
   * hashed to {@code seed} (see the class comment); plus the unhealthy instances met on the way.
   * This shard itself when {@code size <= 0} or when it holds no more than {@code size} healthy
   * instances.
   */
  public ShuffleShard shuffleShard(int seed, int size, Operation op) {
    if (size <= 0 || healthyMembers(op) <= size) {
      return this;
    }
    Instant now = clock.instant();
    boolean[] picked = new boolean[members.length];
    int pickedCount = 0;
    int healthy = 0;
    for (int pick = 0; healthy < size && pickedCount < memberCount; pick++) {
      int position = ring.firstTokenAfter(pickToken(seed, pick));
      // Every member owns a token and fewer than memberCount are picked, so one full turn meets one.
      for (int step = 0; step < ring.tokenCount(); step++) {
        int index = ring.ownerAt(position);
        if (members[index] && !picked[index]) {
          picked[index] = true;
          pickedCount++;
          if (RingSnapshot.isHealthy(ring.instances().get(index), op, config.heartbeatTimeout(), now)) {
            healthy++;
          }
          break;
        }
        position = position + 1 == ring.tokenCount() ? 0 : position + 1;
      }
    }
    return new ShuffleShard(config, clock, ring, picked, pickedCount);
  }

  /**
   * The instances of this shard that own {@code token} for {@code op}, as {@link Ring#get}
   * describes, walking only over this shard's instances.
   *
   * @param token an unsigned 32-bit token, e.g. from {@link RingHash}
   * @throws FlarestackException {@link ErrorCode#UNAVAILABLE} when too many of the owners are
   *     unhealthy to reach a quorum
   */
  public ReplicationSet get(int token, Operation op) {
    List<InstanceDesc> all = ring.instances();
    int wanted = config.replicationFactor();
    boolean zoneAware = config.zoneAwarenessEnabled();
    List<InstanceDesc> owners = new ArrayList<>(wanted);
    List<String> zonesTaken = new ArrayList<>(); // zone-aware: the zones of the owners that did not extend the set
    int skipped = 0; // owners in a state that cannot serve op, each of which extended the set by one
    int zoneCount = ring.zones().size();
    int[] seen = new int[Math.min(memberCount, 8)];
    int position = ring.firstTokenAfter(token);
    for (int step = 0; step < ring.tokenCount() && owners.size() < Math.min(wanted, memberCount)
        && zonesTaken.size() < zoneCount; step++) {
      int index = ring.ownerAt(position);
      position = position + 1 == ring.tokenCount() ? 0 : position + 1;
      if (!members[index] || contains(seen, owners.size(), index)) {
        continue;
      }
      InstanceDesc owner = all.get(index);
      String zone = owner.getZone();
      // An instance without a zone is not held to the one-per-zone rule, as in dskit.
      if (zoneAware && !zone.isEmpty() && zonesTaken.contains(zone)) {
        continue;
      }
      if (owners.size() == seen.length) {
        seen = Arrays.copyOf(seen, seen.length * 2);
      }
      seen[owners.size()] = index;
      owners.add(owner);
      if (op.extendsReplicaSet(owner.getState())) {
        wanted++; // the next instance of the same zone may stand in for it
        skipped++;
      } else if (zoneAware && !zone.isEmpty()) {
        zonesTaken.add(zone);
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
          + ": at least " + minSuccess + " live replicas required" + (zoneAware ? " across different zones" : "")
          + " for " + op + ", could only find " + healthy.size()
          + (unhealthy.isEmpty() ? "" : " (unhealthy: " + String.join(", ", unhealthy) + ")")
          + (zoneAware ? zoneShortfall() : ""));
    }
    return new ReplicationSet(healthy, healthy.size() - minSuccess);
  }

  /** Why a zone-aware set may fall short: the ring spans fewer zones than the replication factor. */
  private String zoneShortfall() {
    List<String> zones = ring.zones();
    if (zones.size() >= config.replicationFactor()) {
      return "";
    }
    return "; zone awareness is on and the ring spans " + zones.size() + " zone(s) " + zones + ", fewer than the"
        + " replication factor " + config.replicationFactor() + ": run instances in at least "
        + config.replicationFactor() + " zones";
  }

  private int healthyMembers(Operation op) {
    Instant now = clock.instant();
    int n = 0;
    for (int i = 0; i < members.length; i++) {
      if (members[i] && RingSnapshot.isHealthy(ring.instances().get(i), op, config.heartbeatTimeout(), now)) {
        n++;
      }
    }
    return n;
  }

  /**
   * The ring position of pick {@code pick} for {@code seed}: SplitMix64's finaliser over both,
   * so consecutive picks and nearby seeds land far apart. Part of the placement contract: changing
   * it moves every shard.
   */
  static int pickToken(int seed, int pick) {
    long z = ((long) seed << 32 | (pick & 0xffffffffL)) + 0x9e3779b97f4a7c15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return (int) ((z ^ (z >>> 31)) >>> 32);
  }

  private static boolean contains(int[] values, int count, int value) {
    for (int i = 0; i < count; i++) {
      if (values[i] == value) {
        return true;
      }
    }
    return false;
  }

  private static String describe(InstanceDesc instance, Instant now) {
    if (instance.getState() != InstanceState.ACTIVE) {
      return instance.getId() + " is " + instance.getState();
    }
    return instance.getId() + " last heartbeat " + (now.getEpochSecond() - instance.getTimestamp()) + "s ago";
  }
}
