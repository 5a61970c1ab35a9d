package io.flarestack.common.ring.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.api.ring.v1.InstanceState;
import io.flarestack.api.ring.v1.RingDesc;
import io.flarestack.common.ring.Lifecycler;
import io.flarestack.common.ring.LifecyclerConfig;
import io.flarestack.common.testing.Poll;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every ring KV backend must do, seen from several nodes of one cluster: the suite each
 * backend's test extends ({@code inmemory} here; {@code memberlist} and {@code etcd} in the
 * {@code kv} module, from common's test-jar). Values are serialized {@code RingDesc}s, written the
 * way lifecyclers write them (every write of an entry stamps a later {@code updated_at_millis}),
 * so a gossiping backend storing every key through {@link io.flarestack.common.ring.RingMerge}
 * passes, and so does a backend that serialises writes and merges them the same way. It is the one
 * KV suite: every backend runs all of it, with no backend-specific exceptions.
 *
 * <p>A subclass supplies {@link #cluster(int)}: n stores sharing one logical state (the same
 * in-memory store n times, n gossiping nodes, n clients of one etcd server), and may release them
 * in {@link #closeCluster(List)}. Each test uses a fresh key, so a backend may share one server
 * between tests. Propagation between nodes is awaited with {@link Poll} up to {@link #DEADLINE}.
 */
public abstract class KvStoreContractTest {
  /** How long propagation between nodes may take before a test fails. */
  protected static final Duration DEADLINE = Duration.ofSeconds(20);

  private final List<List<KvStore>> clusters = new ArrayList<>();
  private final Clock clock = Clock.systemUTC();
  private ScheduledExecutorService executor;
  private String key;

  /**
   * {@code nodes} stores that share one logical state. Called at most once per test.
   *
   * @param nodes at least 1
   */
  protected abstract List<KvStore> cluster(int nodes) throws Exception;

  /** Releases what {@link #cluster(int)} acquired, after each test; the default does nothing. */
  protected void closeCluster(List<KvStore> stores) throws Exception {}

  @BeforeEach
  final void setUpKey() {
    key = "ring-contract-" + UUID.randomUUID();
    executor = Executors.newScheduledThreadPool(2);
  }

  @AfterEach
  final void tearDownClusters() throws Exception {
    executor.shutdownNow();
    for (List<KvStore> stores : clusters) {
      closeCluster(stores);
    }
  }

  @Test
  void anAbsentKeyReadsAsNullOnEveryNode() throws Exception {
    for (KvStore node : nodes(3)) {
      assertThat(node.get(key)).isNull();
    }
  }

  @Test
  void aCasOnOneNodeBecomesVisibleOnEveryNode() throws Exception {
    List<KvStore> nodes = nodes(3);
    InstanceDesc a = instance("a", InstanceState.ACTIVE, clock.millis(), 1, 2, 3);

    nodes.get(0).cas(key, current -> put(decode(current), a));

    for (KvStore node : nodes) {
      awaitRing(node, "instance a", ring -> a.equals(ring.getInstancesMap().get("a")));
    }
  }

  @Test
  void concurrentCasOnSeveralNodesLosesNoInstance() throws Exception {
    List<KvStore> nodes = nodes(3);
    int threadsPerNode = 2;
    int instancesPerThread = 5;
    ExecutorService pool = Executors.newFixedThreadPool(nodes.size() * threadsPerNode);
    Set<String> expected = new HashSet<>();
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int n = 0; n < nodes.size(); n++) {
        KvStore node = nodes.get(n);
        for (int t = 0; t < threadsPerNode; t++) {
          List<String> ids = new ArrayList<>();
          for (int i = 0; i < instancesPerThread; i++) {
            ids.add("node" + n + "-thread" + t + "-" + i);
          }
          expected.addAll(ids);
          futures.add(pool.submit(() -> {
            start.await();
            for (String id : ids) {
              InstanceDesc instance = instance(id, InstanceState.ACTIVE, clock.millis(), id.hashCode());
              node.cas(key, current -> put(decode(current), instance));
            }
            return null;
          }));
        }
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(expected).hasSize(nodes.size() * threadsPerNode * instancesPerThread);
    for (KvStore node : nodes) {
      awaitRing(node, "all " + expected.size() + " instances",
          ring -> ring.getInstancesMap().keySet().equals(expected));
    }
  }

  @Test
  void anUpdateSeesNullOnAnAbsentKeyThenTheValueWrittenBefore() throws Exception {
    KvStore node = nodes(1).get(0);
    InstanceDesc a = instance("a", InstanceState.ACTIVE, clock.millis(), 1);
    InstanceDesc b = instance("b", InstanceState.ACTIVE, clock.millis(), 2);
    List<byte[]> seen = new ArrayList<>();

    node.cas(key, current -> {
      seen.add(current);
      return put(decode(current), a);
    });
    node.cas(key, current -> {
      seen.add(current);
      return put(decode(current), b);
    });

    assertThat(seen).hasSize(2);
    assertThat(seen.get(0)).as("the first update's argument").isNull();
    assertThat(decode(seen.get(1))).isEqualTo(RingDesc.newBuilder().putInstances("a", a).build());
    assertThat(decode(node.get(key))).isEqualTo(RingDesc.newBuilder().putInstances("a", a).putInstances("b", b).build());
  }

  @Test
  void keysAreIndependent() throws Exception {
    List<KvStore> nodes = nodes(2);
    String other = key + "-other";
    InstanceDesc a = instance("a", InstanceState.ACTIVE, clock.millis(), 1);
    InstanceDesc b = instance("b", InstanceState.ACTIVE, clock.millis(), 2);

    nodes.get(0).cas(key, current -> put(decode(current), a));
    nodes.get(0).cas(other, current -> put(decode(current), b));

    for (KvStore node : nodes) {
      awaitRing(node, "instance a", ring -> ring.containsInstances("a"));
      Poll.until("instance b under key " + other, DEADLINE, () -> decode(node.get(other)),
          ring -> ring.containsInstances("b"));
      assertThat(decode(node.get(key)).getInstancesMap()).containsOnlyKeys("a");
      assertThat(decode(node.get(other)).getInstancesMap()).containsOnlyKeys("b");
    }
  }

  @Test
  void anUpdateReturningNullChangesNothing() throws Exception {
    List<KvStore> nodes = nodes(2);
    nodes.get(0).cas(key, current -> null);
    assertThat(nodes.get(0).get(key)).as("nothing created").isNull();
    InstanceDesc a = instance("a", InstanceState.ACTIVE, clock.millis(), 1);
    nodes.get(0).cas(key, current -> put(decode(current), a));
    awaitRing(nodes.get(1), "instance a", ring -> ring.containsInstances("a"));
    List<byte[]> seen = new ArrayList<>();

    nodes.get(1).cas(key, current -> {
      seen.add(current);
      return null;
    });

    assertThat(seen).hasSize(1);
    assertThat(decode(seen.get(0))).isEqualTo(RingDesc.newBuilder().putInstances("a", a).build());
    for (KvStore node : nodes) {
      assertThat(decode(node.get(key))).isEqualTo(RingDesc.newBuilder().putInstances("a", a).build());
    }
  }

  @Test
  void anUpdateThatThrowsLeavesTheKeyUnchangedAndTheCallerGetsTheException() throws Exception {
    List<KvStore> nodes = nodes(2);
    InstanceDesc a = instance("a", InstanceState.ACTIVE, clock.millis(), 1);
    nodes.get(0).cas(key, current -> put(decode(current), a));
    awaitRing(nodes.get(1), "instance a", ring -> ring.containsInstances("a"));
    IllegalStateException boom = new IllegalStateException("boom");

    assertThatThrownBy(() -> nodes.get(1).cas(key, current -> {
      throw boom;
    })).isSameAs(boom);

    // A write after the failed one shows what the key held: only a, and then b.
    InstanceDesc b = instance("b", InstanceState.ACTIVE, clock.millis(), 2);
    nodes.get(1).cas(key, current -> put(decode(current), b));
    for (KvStore node : nodes) {
      awaitRing(node, "instance b", ring -> ring.containsInstances("b"));
      assertThat(decode(node.get(key)).getInstancesMap()).containsOnlyKeys("a", "b").containsEntry("a", a);
    }
  }

  @Test
  void watchDeliversTheCurrentValueThenLaterValuesInOrderUntilClosed() throws Exception {
    List<KvStore> nodes = nodes(2);
    long t0 = clock.millis();
    nodes.get(0).cas(key, current -> put(decode(current), instance("a", InstanceState.JOINING, t0, 1)));
    awaitRing(nodes.get(1), "a JOINING", ring -> ring.containsInstances("a"));
    List<RingDesc> delivered = new CopyOnWriteArrayList<>();
    List<RingDesc> control = new CopyOnWriteArrayList<>();

    AutoCloseable watch = nodes.get(1).watch(key, value -> delivered.add(decode(value)));
    AutoCloseable controlWatch = nodes.get(1).watch(key, value -> control.add(decode(value)));
    try {
      Poll.until("the current value", DEADLINE, () -> !delivered.isEmpty());
      assertThat(delivered.get(0).getInstancesMap().get("a").getState()).isEqualTo(InstanceState.JOINING);

      // Each write stamps a later time, as an owner does.
      nodes.get(0).cas(key, current -> put(decode(current), instance("a", InstanceState.ACTIVE, t0 + 1, 1)));
      Poll.until("a ACTIVE", DEADLINE, () -> last(delivered).getInstancesMap().get("a").getState()
          == InstanceState.ACTIVE);
      nodes.get(0).cas(key, current -> put(decode(current), instance("b", InstanceState.ACTIVE, t0 + 2, 2)));
      Poll.until("b added", DEADLINE, () -> last(delivered).containsInstances("b"));

      watch.close();
      nodes.get(0).cas(key, current -> put(decode(current), instance("c", InstanceState.ACTIVE, t0 + 3, 3)));
      // Once a live watcher has seen the change, a closed one that was going to see it would have.
      Poll.until("the open watcher to see c", DEADLINE, () -> last(control).containsInstances("c"));
    } finally {
      watch.close();
      controlWatch.close();
    }

    List<String> states = delivered.stream().map(r -> r.getInstancesMap().get("a").getState()
        + (r.containsInstances("b") ? "+b" : "")).toList();
    // Intermediate values may be coalesced, but never reordered: JOINING, then ACTIVE, then ACTIVE with b.
    assertThat(states.get(0)).isEqualTo("JOINING");
    assertThat(states).isSortedAccordingTo((x, y) -> Integer.compare(rank(x), rank(y))).endsWith("ACTIVE+b");
    assertThat(delivered).noneMatch(r -> r.containsInstances("c"));
  }

  @Test
  void aWatchOfAnAbsentKeyDeliversNullFirstThenTheValueWrittenOnAnotherNode() throws Exception {
    List<KvStore> nodes = nodes(2);
    List<java.util.Optional<RingDesc>> delivered = new CopyOnWriteArrayList<>();
    AutoCloseable watch = nodes.get(1).watch(key,
        value -> delivered.add(java.util.Optional.ofNullable(value).map(KvStoreContractTest::decode)));
    try {
      Poll.until("the first delivery", DEADLINE, () -> !delivered.isEmpty());
      InstanceDesc a = instance("a", InstanceState.ACTIVE, clock.millis(), 1);
      nodes.get(0).cas(key, current -> put(decode(current), a));
      Poll.until("a delivered", DEADLINE, () -> delivered.get(delivered.size() - 1)
          .map(r -> r.containsInstances("a")).orElse(false));
    } finally {
      watch.close();
      watch.close(); // closing twice is harmless
    }

    assertThat(delivered.get(0)).as("the value when the watch began").isEmpty();
  }

  @Test
  void watchedValuesNeverGoBackwardsUnderConcurrentWriters() throws Exception {
    List<KvStore> nodes = nodes(2);
    int threads = 4;
    int instancesPerThread = 10;
    List<Set<String>> delivered = new CopyOnWriteArrayList<>();
    AutoCloseable watch = nodes.get(1).watch(key,
        value -> delivered.add(Set.copyOf(decode(value).getInstancesMap().keySet())));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    Set<String> expected = new HashSet<>();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        KvStore node = nodes.get(t % nodes.size());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < instancesPerThread; i++) {
          ids.add("t" + t + "-" + i);
        }
        expected.addAll(ids);
        futures.add(pool.submit(() -> {
          for (String id : ids) {
            InstanceDesc instance = instance(id, InstanceState.ACTIVE, clock.millis(), id.hashCode());
            node.cas(key, current -> put(decode(current), instance));
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      }
      Poll.until("the watcher to see all " + expected.size() + " instances", DEADLINE,
          () -> !delivered.isEmpty() && delivered.get(delivered.size() - 1).equals(expected));
    } finally {
      watch.close();
      pool.shutdownNow();
    }

    // Nothing is removed, so every delivery holds all the instances of the one before it.
    for (int i = 1; i < delivered.size(); i++) {
      assertThat(delivered.get(i)).as("delivery %d after %s", i, delivered.get(i - 1))
          .containsAll(delivered.get(i - 1));
    }
  }

  @Test
  void aRemovalIsVisibleEverywhereAndAStaleWriteDoesNotBringItBack() throws Exception {
    List<KvStore> nodes = nodes(3);
    long registered = clock.millis() - 60_000; // its last heartbeat, a minute ago
    InstanceDesc x = instance("x", InstanceState.ACTIVE, registered, 7, 8);
    nodes.get(0).cas(key, current -> put(decode(current), x));
    for (KvStore node : nodes) {
      awaitRing(node, "instance x", ring -> ring.containsInstances("x"));
    }

    // Forget x (as the ring page's Forget button or auto-forget do): the update drops the entry.
    nodes.get(0).cas(key, current -> decode(current).toBuilder().removeInstances("x").build().toByteArray());
    for (KvStore node : nodes) {
      awaitRing(node, "x removed", ring -> !ring.containsInstances("x"));
    }
    // A heartbeat x sent before it was removed arrives late at another node.
    InstanceDesc late = instance("x", InstanceState.ACTIVE, registered + 30_000, 7, 8);
    nodes.get(1).cas(key, current -> put(decode(current), late));
    assertThat(decode(nodes.get(1).get(key)).getInstancesMap()).doesNotContainKey("x");
    // A marker written after it: once every node has the marker, a resurrection would have spread too.
    InstanceDesc marker = instance("marker", InstanceState.ACTIVE, clock.millis(), 9);
    nodes.get(1).cas(key, current -> put(decode(current), marker));
    for (KvStore node : nodes) {
      awaitRing(node, "the marker", ring -> ring.containsInstances("marker"));
      assertThat(decode(node.get(key)).getInstancesMap()).containsOnlyKeys("marker");
    }
  }

  @Test
  void arraysAreNeverSharedWithTheStore() throws Exception {
    KvStore node = nodes(1).get(0);
    InstanceDesc a = instance("a", InstanceState.ACTIVE, clock.millis(), 1);
    byte[] written = RingDesc.newBuilder().putInstances("a", a).build().toByteArray();
    byte[] expected = written.clone();
    node.cas(key, current -> written);
    java.util.Arrays.fill(written, (byte) 0);

    byte[] read = node.get(key);
    java.util.Arrays.fill(read, (byte) 0);
    node.cas(key, current -> {
      java.util.Arrays.fill(current, (byte) 0); // scribbling on the argument must not leak either
      return null;
    });

    assertThat(decode(node.get(key))).isEqualTo(decode(expected));
    assertThat(node.get(key)).isNotSameAs(node.get(key));
  }

  @Test
  void lifecyclersOnTwoNodesJoinAndSeeEachOtherActiveWithDisjointTokens() throws Exception {
    List<KvStore> nodes = nodes(2);
    List<Lifecycler> lifecyclers = new ArrayList<>();
    for (int n = 0; n < 2; n++) {
      LifecyclerConfig config = LifecyclerConfig.defaults(key, "ingester-" + n, "10.0.0." + n + ":9095")
          .withNumTokens(32).withHeartbeatPeriod(Duration.ofMillis(200));
      lifecyclers.add(new Lifecycler(config, nodes.get(n), clock, executor, new SplittableRandom(n)));
    }
    try {
      for (Lifecycler l : lifecyclers) {
        l.start();
      }
      for (KvStore node : nodes) {
        awaitRing(node, "both instances ACTIVE with 32 disjoint tokens each", ring -> {
          Map<String, InstanceDesc> all = ring.getInstancesMap();
          if (!all.keySet().equals(Set.of("ingester-0", "ingester-1"))) {
            return false;
          }
          Set<Integer> tokens = new HashSet<>();
          for (InstanceDesc i : all.values()) {
            if (i.getState() != InstanceState.ACTIVE || i.getTokensCount() != 32) {
              return false;
            }
            tokens.addAll(i.getTokensList());
          }
          return tokens.size() == 64;
        });
      }
    } finally {
      lifecyclers.forEach(Lifecycler::stop);
    }
    for (KvStore node : nodes) {
      awaitRing(node, "both instances gone", ring -> ring.getInstancesMap().isEmpty());
    }
  }

  // --- helpers for this suite ---

  private List<KvStore> nodes(int n) throws Exception {
    List<KvStore> stores = cluster(n);
    clusters.add(stores);
    assertThat(stores).as("cluster(%d)", n).hasSize(n);
    return stores;
  }

  private void awaitRing(KvStore node, String what, Predicate<RingDesc> condition) {
    Poll.until(what + " under key " + key, DEADLINE, () -> decode(node.get(key)), condition);
  }

  private static int rank(String state) {
    return switch (state) {
      case "JOINING" -> 0;
      case "ACTIVE" -> 1;
      default -> 2;
    };
  }

  private static RingDesc last(List<RingDesc> delivered) {
    return delivered.isEmpty() ? RingDesc.getDefaultInstance() : delivered.get(delivered.size() - 1);
  }

  /** An entry as a lifecycler writes it at {@code updatedAtMillis}. */
  protected static InstanceDesc instance(String id, InstanceState state, long updatedAtMillis, int... tokens) {
    InstanceDesc.Builder b = InstanceDesc.newBuilder().setId(id).setAddr(id + ":9095").setState(state)
        .setTimestamp(updatedAtMillis / 1000).setRegisteredTimestamp(updatedAtMillis / 1000)
        .setUpdatedAtMillis(updatedAtMillis);
    for (int t : tokens) {
      b.addTokens(t);
    }
    return b.build();
  }

  private static byte[] put(RingDesc ring, InstanceDesc instance) {
    return ring.toBuilder().putInstances(instance.getId(), instance).build().toByteArray();
  }

  /** The ring in a value; empty for null. */
  protected static RingDesc decode(byte[] value) {
    try {
      return value == null ? RingDesc.getDefaultInstance() : RingDesc.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("not a ring descriptor", e);
    }
  }
}
