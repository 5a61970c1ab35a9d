package io.flarestack.common.ring;

import static io.flarestack.common.ring.RingFixtures.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.api.ring.v1.InstanceState;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.ring.kv.InMemoryKvStore;
import io.flarestack.common.testing.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ShuffleShardTest {
  private static final String KEY = "ring";
  private static final long NOW = 1_000;

  private final ManualClock clock = new ManualClock(Instant.ofEpochSecond(NOW));
  private final List<Ring> rings = new ArrayList<>();

  @AfterEach
  void stop() {
    rings.forEach(Ring::stop);
  }

  @Test
  void pickTokensAreSplitMix64OfSeedAndPick() {
    // SplittableRandom's first nextLong() is SplitMix64's finaliser over (seed + golden gamma):
    // an independent implementation of the placement contract.
    for (int seed : new int[] {0, 1, -1, 0x12345678, RingHash.tokenFor("tenant", "checkout")}) {
      for (int pick = 0; pick < 10; pick++) {
        long state = (long) seed << 32 | pick;
        int expected = (int) (new SplittableRandom(state).nextLong() >>> 32);
        assertThat(ShuffleShard.pickToken(seed, pick)).isEqualTo(expected);
      }
    }
  }

  @Test
  void shardIsTheFirstUnpickedInstanceAfterEachPickToken() throws Exception {
    int seed = RingHash.tokenFor("tenant-1", "checkout");
    int p0 = ShuffleShard.pickToken(seed, 0);
    int p1 = ShuffleShard.pickToken(seed, 1);
    int p2 = ShuffleShard.pickToken(seed, 2);
    InMemoryKvStore kv = new InMemoryKvStore();
    // c owns the token just after pick 0, e just after pick 1; pick 2 lands just before c's
    // token again, so its walk skips c (picked) and takes the owner after c's token there.
    put(kv, KEY, "a", InstanceState.ACTIVE, NOW, p0 - 5);
    put(kv, KEY, "b", InstanceState.ACTIVE, NOW, p1 - 5);
    put(kv, KEY, "c", InstanceState.ACTIVE, NOW, p0 + 1, p2 + 1);
    put(kv, KEY, "d", InstanceState.ACTIVE, NOW, p2 + 2);
    put(kv, KEY, "e", InstanceState.ACTIVE, NOW, p1 + 1);
    Ring ring = start(kv, 1);

    assertThat(ids(ring.shuffleShard(seed, 1, Operation.WRITE))).containsExactly("c");
    assertThat(ids(ring.shuffleShard(seed, 2, Operation.WRITE))).containsExactly("c", "e");
    assertThat(ids(ring.shuffleShard(seed, 3, Operation.WRITE))).containsExactly("c", "d", "e");
    // At least the ring's size, or no size: the whole ring.
    assertThat(ids(ring.shuffleShard(seed, 5, Operation.WRITE))).containsExactly("a", "b", "c", "d", "e");
    assertThat(ids(ring.shuffleShard(seed, 0, Operation.WRITE))).containsExactly("a", "b", "c", "d", "e");
  }

  @Test
  void shardsMatchASlowReferenceOnARandomRing() throws Exception {
    InMemoryKvStore kv = new InMemoryKvStore();
    randomRing(kv, 12, 64, new SplittableRandom(3));
    Ring ring = start(kv, 3);

    for (int s = 0; s < 500; s++) {
      int seed = RingHash.tokenFor("tenant", "svc-" + s);
      for (int size : new int[] {1, 3, 5}) {
        assertThat(ids(ring.shuffleShard(seed, size, Operation.WRITE)))
            .isEqualTo(referenceShard(ring.instances(), seed, size));
      }
    }
  }

  @Test
  void addingAnInstanceMovesFewShardsAndEachByOneInstance() throws Exception {
    SplittableRandom random = new SplittableRandom(11);
    InMemoryKvStore before = new InMemoryKvStore();
    randomRing(before, 10, 128, random);
    InMemoryKvStore after = new InMemoryKvStore();
    randomRing(after, 10, 128, new SplittableRandom(11));
    put(after, KEY, "ingester-new", InstanceState.ACTIVE, NOW, randomTokens(128, random));
    Ring small = start(before, 3);
    Ring grown = start(after, 3);

    int services = 2_000;
    int moved = 0;
    for (int s = 0; s < services; s++) {
      int seed = RingHash.tokenFor("tenant", "svc-" + s);
      Set<String> old = new HashSet<>(ids(small.shuffleShard(seed, 3, Operation.WRITE)));
      Set<String> now = new HashSet<>(ids(grown.shuffleShard(seed, 3, Operation.WRITE)));
      if (!old.equals(now)) {
        moved++;
        // Only the new instance can take a place, and it takes exactly one.
        assertThat(now).contains("ingester-new").hasSize(3);
        Set<String> kept = new HashSet<>(old);
        kept.retainAll(now);
        assertThat(kept).hasSize(2);
      }
    }
    // A shard of 3 of 11 takes the new instance with probability about 3/11 (27%); a shuffle
    // that ignored stability would move almost every shard.
    assertThat(moved).isBetween(services * 15 / 100, services * 40 / 100);
  }

  @Test
  void widerShardsContainNarrowerOnes() throws Exception {
    InMemoryKvStore kv = new InMemoryKvStore();
    randomRing(kv, 9, 32, new SplittableRandom(5));
    Ring ring = start(kv, 1);

    for (int s = 0; s < 200; s++) {
      int seed = RingHash.tokenFor("tenant", "svc-" + s);
      List<String> previous = List.of();
      for (int size = 1; size <= 9; size++) {
        List<String> shard = ids(ring.shuffleShard(seed, size, Operation.WRITE));
        assertThat(shard).hasSize(size).containsAll(previous);
        previous = shard;
      }
    }
  }

  @Test
  void unhealthyInstancesDoNotCountTowardTheSize() throws Exception {
    InMemoryKvStore kv = new InMemoryKvStore();
    randomRing(kv, 8, 32, new SplittableRandom(9));
    Ring healthyRing = start(kv, 3);
    int seed = RingHash.tokenFor("tenant", "checkout");
    List<String> healthyShard = ids(healthyRing.shuffleShard(seed, 3, Operation.WRITE));
    // The same ring with the shard's second instance leaving and its third dead.
    InMemoryKvStore degraded = new InMemoryKvStore();
    randomRing(degraded, 8, 32, new SplittableRandom(9));
    InstanceDesc leaving = instance(healthyRing, healthyShard.get(1));
    InstanceDesc dead = instance(healthyRing, healthyShard.get(2));
    put(degraded, KEY, leaving.getId(), InstanceState.LEAVING, NOW, tokens(leaving));
    put(degraded, KEY, dead.getId(), InstanceState.ACTIVE, NOW - 120, tokens(dead));
    Ring ring = start(degraded, 3);

    ShuffleShard shard = ring.shuffleShard(seed, 3, Operation.WRITE);

    assertThat(ids(shard)).hasSize(5).containsAll(healthyShard).isEqualTo(referenceShardCountingHealthy(ring, seed, 3));
    long healthy = shard.instances().stream()
        .filter(i -> !i.getId().equals(leaving.getId()) && !i.getId().equals(dead.getId())).count();
    assertThat(healthy).isEqualTo(3);
  }

  @Test
  void keysWithinAShardGoToReplicationFactorOfItsInstances() throws Exception {
    InMemoryKvStore kv = new InMemoryKvStore();
    randomRing(kv, 10, 64, new SplittableRandom(21));
    Ring ring = start(kv, 3);
    ShuffleShard shard = ring.shuffleShard(RingHash.tokenFor("tenant", "checkout"), 5, Operation.WRITE);
    assertThat(shard.size()).isEqualTo(5);

    SplittableRandom keys = new SplittableRandom(1);
    Set<String> used = new HashSet<>();
    for (int k = 0; k < 2_000; k++) {
      int token = keys.nextInt();
      ReplicationSet set = shard.get(token, Operation.WRITE);
      List<String> owners = ids(set.instances());
      assertThat(owners).isEqualTo(RingFixtures.expectedOwners(shard.instances(), token, 3));
      assertThat(set.maxErrors()).isEqualTo(1); // RF 3: quorum 2, as on the whole ring
      used.addAll(owners);
    }
    assertThat(used).containsExactlyInAnyOrderElementsOf(ids(shard));
  }

  @Test
  void aShardOfTheReplicationFactorGivesEveryKeyTheSameReplicas() throws Exception {
    InMemoryKvStore kv = new InMemoryKvStore();
    randomRing(kv, 6, 64, new SplittableRandom(4));
    Ring ring = start(kv, 3);
    ShuffleShard shard = ring.shuffleShard(RingHash.tokenFor("tenant", "checkout"), 3, Operation.WRITE);

    SplittableRandom keys = new SplittableRandom(2);
    for (int k = 0; k < 500; k++) {
      assertThat(ids(shard.get(keys.nextInt(), Operation.WRITE).instances()))
          .containsExactlyInAnyOrderElementsOf(ids(shard));
    }
  }

  @Test
  void quorumWithinAShardIsTheRings() throws Exception {
    InMemoryKvStore kv = new InMemoryKvStore();
    put(kv, KEY, "a", InstanceState.ACTIVE, NOW, 100);
    put(kv, KEY, "b", InstanceState.ACTIVE, NOW - 61, 200); // stale: unhealthy, counts toward the quorum
    put(kv, KEY, "c", InstanceState.ACTIVE, NOW, 300);
    put(kv, KEY, "d", InstanceState.ACTIVE, NOW, 400);
    Ring ring = start(kv, 3);
    ShuffleShard all = ring.wholeRing().shuffleShard(0, 0, Operation.WRITE);
    assertThat(all.size()).isEqualTo(4);

    // The same key on the whole ring and in the shard of every instance: same owners, same quorum.
    ReplicationSet onRing = ring.get(50, Operation.WRITE);
    ReplicationSet inShard = all.get(50, Operation.WRITE);
    assertThat(ids(inShard.instances())).isEqualTo(ids(onRing.instances())).containsExactly("a", "c");
    assertThat(inShard.minSuccess()).isEqualTo(onRing.minSuccess()).isEqualTo(2);

    clock.advance(Duration.ofSeconds(61)); // every heartbeat stale now
    assertThatThrownBy(() -> all.get(50, Operation.WRITE))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .hasMessageContaining("at least 2 live replicas required for WRITE, could only find 0");
  }

  @Test
  void nestedShardsStayWithinTheirParent() throws Exception {
    InMemoryKvStore kv = new InMemoryKvStore();
    randomRing(kv, 12, 32, new SplittableRandom(8));
    Ring ring = start(kv, 1);
    ShuffleShard tenant = ring.shuffleShard(RingHash.tokenFor("tenant"), 6, Operation.WRITE);
    assertThat(tenant.size()).isEqualTo(6);

    for (int s = 0; s < 200; s++) {
      ShuffleShard service = tenant.shuffleShard(RingHash.tokenFor("tenant", "svc-" + s), 2, Operation.WRITE);
      assertThat(ids(service)).hasSize(2).isSubsetOf(ids(tenant));
    }
    assertThat(tenant.shuffleShard(1, 6, Operation.WRITE)).isSameAs(tenant);
  }

  @Test
  void emptyRingHasNoShard() throws Exception {
    Ring ring = start(new InMemoryKvStore(), 1);
    assertThatThrownBy(() -> ring.shuffleShard(1, 1, Operation.WRITE))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .hasMessageContaining("is empty");
  }

  /**
   * The shard computed the slow, obvious way: every (token, id) pair sorted by unsigned token;
   * for each pick, the first pair after its token whose instance was not picked yet.
   */
  private static List<String> referenceShard(List<InstanceDesc> instances, int seed, int size) {
    record Owned(long token, String id) {}
    List<Owned> all = new ArrayList<>();
    for (InstanceDesc i : instances) {
      for (int t : i.getTokensList()) {
        all.add(new Owned(Integer.toUnsignedLong(t), i.getId()));
      }
    }
    all.sort(Comparator.comparingLong(Owned::token).thenComparing(Owned::id));
    Set<String> picked = new LinkedHashSet<>();
    for (int pick = 0; picked.size() < Math.min(size, instances.size()); pick++) {
      long key = Integer.toUnsignedLong(ShuffleShard.pickToken(seed, pick));
      int start = 0;
      while (start < all.size() && all.get(start).token() <= key) {
        start++;
      }
      for (int i = 0; i < all.size(); i++) {
        if (picked.add(all.get((start + i) % all.size()).id())) {
          break;
        }
      }
    }
    return picked.stream().sorted().toList();
  }

  /** {@link #referenceShard} growing until it holds {@code size} instances ACTIVE with a fresh heartbeat. */
  private List<String> referenceShardCountingHealthy(Ring ring, int seed, int size) {
    for (int n = size; ; n++) {
      List<String> shard = referenceShard(ring.instances(), seed, n);
      long healthy = ring.instances().stream().filter(i -> shard.contains(i.getId()))
          .filter(i -> i.getState() == InstanceState.ACTIVE && NOW - i.getTimestamp() <= 60).count();
      if (healthy == size) {
        return shard;
      }
    }
  }

  private static void randomRing(InMemoryKvStore kv, int instances, int tokensEach, SplittableRandom random) {
    for (int i = 0; i < instances; i++) {
      put(kv, KEY, "ingester-" + i, InstanceState.ACTIVE, NOW, randomTokens(tokensEach, random));
    }
  }

  private static int[] randomTokens(int n, SplittableRandom random) {
    int[] tokens = new int[n];
    for (int t = 0; t < n; t++) {
      tokens[t] = random.nextInt();
    }
    return tokens;
  }

  private static InstanceDesc instance(Ring ring, String id) {
    return ring.instances().stream().filter(i -> i.getId().equals(id)).findFirst().orElseThrow();
  }

  private static int[] tokens(InstanceDesc i) {
    return i.getTokensList().stream().mapToInt(Integer::intValue).toArray();
  }

  private Ring start(InMemoryKvStore kv, int replicationFactor) throws Exception {
    Ring ring = new Ring(RingConfig.defaults("ingester", KEY).withReplicationFactor(replicationFactor), kv, clock,
        new SimpleMeterRegistry());
    ring.start();
    rings.add(ring);
    return ring;
  }

  private static List<String> ids(ShuffleShard shard) {
    return ids(shard.instances());
  }

  private static List<String> ids(List<InstanceDesc> instances) {
    return instances.stream().map(InstanceDesc::getId).toList();
  }
}
