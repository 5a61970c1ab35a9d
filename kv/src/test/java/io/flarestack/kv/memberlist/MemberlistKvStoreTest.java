package io.flarestack.kv.memberlist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.lifecycle.Service;
import io.flarestack.common.testing.Poll;
import io.flarestack.kv.testing.FreePorts;
import io.flarestack.kv.testing.LwwMapCodec;
import io.flarestack.common.testing.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several {@link MemberlistKvStore}s in one JVM, gossiping over loopback TCP on free ports, with
 * the test-only {@link LwwMapCodec} for every key. Every wait polls with a deadline.
 */
class MemberlistKvStoreTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String KEY = "ring";

  private final List<MemberlistKvStore> started = new CopyOnWriteArrayList<>();
  private final ManualClock clock = new ManualClock(Instant.now());

  /**
   * Stops the nodes newest first. (Stopped oldest first, each next node would often still see the
   * coordinator that just left and wait out GMS' leave timeout, 20 s, for its answer.)
   */
  @AfterEach
  void stopAll() {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).stop();
    }
  }

  /**
   * Bind ports of {@code n} nodes, each with its failure-detection port (bind port + the default
   * offset, which must be the same on every node) free too.
   */
  private static int[] ports(int n) {
    return FreePorts.takeWithPartner(n, MemberlistConfig.FAILURE_DETECTION_PORT_OFFSET.defaultValue());
  }

  private static List<String> seeds(int[] ports) {
    List<String> seeds = new ArrayList<>();
    for (int p : ports) {
      seeds.add("127.0.0.1:" + p);
    }
    return seeds;
  }

  private static MemberlistConfig config(int[] ports, int node, String name) {
    return MemberlistConfig.defaults("127.0.0.1", ports[node], seeds(ports))
        .withNodeName(name, false)
        .withIntervals(Duration.ofMillis(20), Duration.ofMillis(500));
  }

  private MemberlistKvStore start(MemberlistConfig config) throws Exception {
    return start(config, new SimpleMeterRegistry());
  }

  private MemberlistKvStore start(MemberlistConfig config, SimpleMeterRegistry registry) throws Exception {
    MemberlistKvStore store = new MemberlistKvStore(config, key -> key.equals("unknown") ? null : new LwwMapCodec(),
        clock, registry);
    started.add(store);
    store.start();
    return store;
  }

  private UnaryOperator<byte[]> put(String name, String value) {
    return LwwMapCodec.put(name, value, clock.millis());
  }

  private static void awaitEntries(MemberlistKvStore store, Map<String, String> expected) {
    Poll.until(store.nodeName() + " to hold " + expected, WAIT, () -> LwwMapCodec.strings(store.get(KEY)),
        expected::equals);
  }

  private static void awaitMembers(MemberlistKvStore store, int n) {
    Poll.until(store.nodeName() + " to see " + n + " members", WAIT, () -> store.members().size(), m -> m == n);
  }

  @Test
  void writesOnEveryNodeConvergeEverywhereAndReachWatchers() throws Exception {
    int[] ports = ports(3);
    SimpleMeterRegistry registryA = new SimpleMeterRegistry();
    MemberlistKvStore a = start(config(ports, 0, "a"), registryA);
    MemberlistKvStore b = start(config(ports, 1, "b"));
    MemberlistKvStore c = start(config(ports, 2, "c"));
    for (MemberlistKvStore s : List.of(a, b, c)) {
      awaitMembers(s, 3);
    }
    List<Map<String, String>> seenByWatcher = new CopyOnWriteArrayList<>();
    AutoCloseable watch = c.watch(KEY, v -> seenByWatcher.add(LwwMapCodec.strings(v)));

    a.cas(KEY, put("a", "1"));
    b.cas(KEY, put("b", "2"));
    c.cas(KEY, put("c", "3"));

    Map<String, String> all = Map.of("a", "1", "b", "2", "c", "3");
    for (MemberlistKvStore s : List.of(a, b, c)) {
      awaitEntries(s, all);
    }
    Poll.until("c's watcher to get every entry", WAIT, () -> seenByWatcher.isEmpty() ? Map.of()
        : seenByWatcher.get(seenByWatcher.size() - 1), all::equals);
    assertThat(seenByWatcher.get(0)).as("the first delivery is the value when the watch began").isEmpty();
    watch.close();

    assertThat(a.members()).extracting(MemberlistKvStore.Member::name).containsExactly("a", "b", "c");
    assertThat(a.members()).extracting(MemberlistKvStore.Member::state).containsOnly("Alive");
    assertThat(a.members().get(1).address()).isEqualTo("127.0.0.1:" + ports[1]);
    assertThat(a.keys()).extracting(MemberlistKvStore.KeyInfo::key).containsExactly(KEY);
    assertThat(registryA.get("pyroscope.memberlist.client.cluster.members.count").gauge().value()).isEqualTo(3);
    assertThat(registryA.get("pyroscope.memberlist.client.kv.store.count").gauge().value()).isEqualTo(1);
    assertThat(registryA.get("pyroscope.memberlist.client.cas.success").counter().count()).isEqualTo(1);
    Poll.until("a to count the broadcasts of b's and c's changes", WAIT,
        () -> registryA.get("pyroscope.memberlist.client.received.broadcasts").counter().count(), n -> n >= 2);
  }

  @Test
  void concurrentLocalUpdatesOfOneKeyAllTakeEffect() throws Exception {
    int[] ports = ports(2);
    MemberlistKvStore a = start(config(ports, 0, "a"));
    MemberlistKvStore b = start(config(ports, 1, "b"));
    awaitMembers(a, 2);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < 10; i++) {
            a.cas(KEY, put("t" + thread + "-" + i, "v"));
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(LwwMapCodec.strings(a.get(KEY))).hasSize(40);
    Poll.until("b to get all 40 entries", WAIT, () -> LwwMapCodec.strings(b.get(KEY)).size(), n -> n == 40);
  }

  @Test
  void aNodeThatJoinsLateHasTheFullStateOnceStarted() throws Exception {
    int[] ports = ports(3);
    MemberlistKvStore a = start(config(ports, 0, "a"));
    MemberlistKvStore b = start(config(ports, 1, "b"));
    a.cas(KEY, put("a", "1"));
    b.cas(KEY, put("b", "2"));
    awaitEntries(a, Map.of("a", "1", "b", "2"));
    awaitEntries(b, Map.of("a", "1", "b", "2"));

    MemberlistKvStore c = start(config(ports, 2, "c"));

    // No wait: start() returns only after the first full state arrived.
    assertThat(c.state()).isEqualTo(Service.State.RUNNING);
    assertThat(LwwMapCodec.strings(c.get(KEY))).isEqualTo(Map.of("a", "1", "b", "2"));
  }

  @Test
  void aCrashedNodeLeavesTheViewAndGetsWhatItMissedWhenItRestarts() throws Exception {
    int[] ports = ports(3);
    MemberlistKvStore a = start(config(ports, 0, "a"));
    MemberlistKvStore b = start(config(ports, 1, "b"));
    MemberlistKvStore c = start(config(ports, 2, "c"));
    awaitMembers(a, 3);
    c.cas(KEY, put("c", "1"));
    awaitEntries(a, Map.of("c", "1"));

    c.crash();
    awaitMembers(a, 2);
    awaitMembers(b, 2);
    a.cas(KEY, put("a", "while-c-was-down"));
    awaitEntries(b, Map.of("a", "while-c-was-down", "c", "1"));
    c.stop();

    MemberlistKvStore c2 = start(config(ports, 2, "c"));
    assertThat(LwwMapCodec.strings(c2.get(KEY))).isEqualTo(Map.of("a", "while-c-was-down", "c", "1"));
    awaitMembers(a, 3);
    c2.cas(KEY, put("c", "2"));
    awaitEntries(a, Map.of("a", "while-c-was-down", "c", "2"));
  }

  @Test
  void aGracefulStopHandsItsFinalStateToEveryMemberThenLeaves() throws Exception {
    int[] ports = ports(2);
    // Gossip and push/pull intervals of an hour on both: the only way a's change can reach b is
    // the flush of pending changes on stop.
    Duration hour = Duration.ofHours(1);
    MemberlistKvStore a = start(config(ports, 0, "a").withIntervals(hour, hour));
    MemberlistKvStore b = start(config(ports, 1, "b").withIntervals(hour, hour));
    awaitMembers(a, 2);
    awaitMembers(b, 2);
    a.cas(KEY, put("a", "last words"));

    a.stop();

    assertThat(a.state()).isEqualTo(Service.State.TERMINATED);
    // Not polled: stop() returns once every member confirmed it merged the final state.
    assertThat(LwwMapCodec.strings(b.get(KEY))).as("b's state when a's stop returned")
        .isEqualTo(Map.of("a", "last words"));
    awaitMembers(b, 1);

    MemberlistKvStore a2 = start(config(ports, 0, "a"));
    assertThat(LwwMapCodec.strings(a2.get(KEY))).as("the restarted node's state, pulled on join")
        .isEqualTo(Map.of("a", "last words"));
    awaitMembers(b, 2);
  }

  @Test
  void nodesWithAnotherClusterLabelNeverMerge() throws Exception {
    int[] ports = ports(3);
    MemberlistKvStore other = start(config(ports, 2, "other").withClusterLabel("blue"));
    other.cas(KEY, put("other", "x"));
    MemberlistKvStore a = start(config(ports, 0, "a").withClusterLabel("green"));
    MemberlistKvStore b = start(config(ports, 1, "b").withClusterLabel("green"));
    awaitMembers(a, 2);
    a.cas(KEY, put("a", "1"));
    awaitEntries(b, Map.of("a", "1"));
    // Many push/pull rounds (500 ms each) between a and b, while every seed list names all three
    // and MERGE3 probes the seeds every 2-5 s.
    long pulls = b.statePulls();
    Poll.until("b to pull a's state twelve more times", WAIT, Duration.ofMillis(50), b::statePulls,
        n -> n >= pulls + 12);

    assertThat(a.members()).extracting(MemberlistKvStore.Member::name).containsExactly("a", "b");
    assertThat(other.members()).extracting(MemberlistKvStore.Member::name).containsExactly("other");
    assertThat(LwwMapCodec.strings(other.get(KEY))).isEqualTo(Map.of("other", "x"));
    assertThat(LwwMapCodec.strings(a.get(KEY))).isEqualTo(Map.of("a", "1"));
  }

  @Test
  void tombstonesHideRemovedEntriesAndExpireAfterTheLeftTimeout() throws Exception {
    int[] ports = ports(2);
    MemberlistKvStore a = start(config(ports, 0, "a"));
    MemberlistKvStore b = start(config(ports, 1, "b"));
    awaitMembers(a, 2);
    a.cas(KEY, put("x", "1"));
    a.cas(KEY, put("y", "2"));
    awaitEntries(b, Map.of("x", "1", "y", "2"));

    a.cas(KEY, LwwMapCodec.remove("x"));

    awaitEntries(b, Map.of("y", "2"));
    for (MemberlistKvStore s : List.of(a, b)) {
      assertThat(LwwMapCodec.decode(s.storedValue(KEY)).get("x").deleted()).as("x's tombstone on " + s.nodeName())
          .isTrue();
    }
    // A stale copy of x travelling between peers (b's old value) cannot bring it back.
    b.cas(KEY, put("y", "3"));
    awaitEntries(a, Map.of("y", "3"));

    clock.advance(MemberlistConfig.LEFT_INGESTERS_TIMEOUT.defaultValue().plusSeconds(1));

    for (MemberlistKvStore s : List.of(a, b)) {
      Poll.until("x's tombstone to expire on " + s.nodeName(), WAIT,
          () -> LwwMapCodec.decode(s.storedValue(KEY)).containsKey("x"), present -> !present);
      assertThat(LwwMapCodec.strings(s.get(KEY))).isEqualTo(Map.of("y", "3"));
    }
  }

  @Test
  void aKeyWithoutCodecIsRefused() throws Exception {
    int[] ports = ports(1);
    MemberlistKvStore a = start(config(ports, 0, "a"));
    assertThatThrownBy(() -> a.cas("unknown", put("x", "1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"unknown\"");
    assertThat(a.get(KEY)).isNull();
  }

  @Test
  void aLoneFirstNodeMergesWithItsSeedWhenItComesUp() throws Exception {
    int[] ports = ports(2);
    // b is a's only seed (and a is b's), but b is not up yet when a starts.
    MemberlistKvStore a = start(config(ports, 0, "a"));
    assertThat(a.members()).hasSize(1);
    a.cas(KEY, put("a", "1"));
    MemberlistKvStore b = start(config(ports, 1, "b"));
    b.cas(KEY, put("b", "2"));
    awaitEntries(a, Map.of("a", "1", "b", "2"));
    awaitEntries(b, Map.of("a", "1", "b", "2"));
    awaitMembers(b, 2);
  }
}
