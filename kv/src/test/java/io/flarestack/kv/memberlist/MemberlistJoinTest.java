package io.flarestack.kv.memberlist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.lifecycle.Service;
import io.flarestack.common.testing.ManualClock;
import io.flarestack.common.testing.Poll;
import io.flarestack.kv.testing.FreePorts;
import io.flarestack.kv.testing.LwwMapCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How {@link MemberlistKvStore}s started at the same moment find each other: several nodes in
 * this JVM, each started on its own thread behind one latch, must end in one cluster in which a
 * write on one node reaches every other. Each test repeats the start several times to catch the
 * race. Every wait polls with a deadline.
 */
class MemberlistJoinTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String KEY = "ring";
  private static final int NODES = 4;

  private final List<MemberlistKvStore> started = new ArrayList<>();
  private final ManualClock clock = new ManualClock(Instant.now());

  @AfterEach
  void stopAll() {
    stopStarted();
  }

  private void stopStarted() {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).stop();
    }
    started.clear();
  }

  private static int[] ports(int n) {
    return FreePorts.takeWithPartner(n, MemberlistConfig.FAILURE_DETECTION_PORT_OFFSET.defaultValue());
  }

  private MemberlistKvStore store(MemberlistConfig config) {
    MemberlistKvStore store = new MemberlistKvStore(config, key -> new LwwMapCodec(), clock, new SimpleMeterRegistry());
    started.add(store);
    return store;
  }

  @Test
  void nodesStartedTogetherEachListingTheOthersEndInOneCluster() throws Exception {
    for (int round = 0; round < 3; round++) {
      int[] ports = ports(NODES);
      startTogetherAndAwaitOneCluster(round, ports, node -> {
        List<String> others = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
          if (i != node) {
            others.add("127.0.0.1:" + ports[i]);
          }
        }
        return others;
      });
    }
  }

  @Test
  void nodesStartedTogetherListingOneSeedEndInOneCluster() throws Exception {
    // As deploy/local-cluster and the server's LocalCluster start processes: every node lists the first.
    for (int round = 0; round < 3; round++) {
      int[] ports = ports(NODES);
      startTogetherAndAwaitOneCluster(round, ports, node -> List.of("127.0.0.1:" + ports[0]));
    }
  }

  private void startTogetherAndAwaitOneCluster(int round, int[] ports, IntFunction<List<String>> join)
      throws Exception {
    List<MemberlistKvStore> nodes = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      nodes.add(store(MemberlistConfig.defaults("127.0.0.1", ports[i], join.apply(i))
          .withNodeName("r" + round + "-n" + i, false).withIntervals(Duration.ofMillis(20), Duration.ofMillis(500))));
    }
    ExecutorService pool = Executors.newFixedThreadPool(NODES);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> starts = new ArrayList<>();
      for (MemberlistKvStore node : nodes) {
        starts.add(pool.submit(() -> {
          go.await();
          node.start();
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : starts) {
        f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    List<String> names = nodes.stream().map(MemberlistKvStore::nodeName).sorted().toList();
    for (MemberlistKvStore node : nodes) {
      Poll.until("round " + round + ": " + node.nodeName() + " to see all " + NODES + " nodes", WAIT,
          () -> node.members().stream().map(MemberlistKvStore.Member::name).sorted().toList(), names::equals);
      assertThat(node.joinedListedMember()).as(node.nodeName() + " shares a cluster with a listed member").isTrue();
    }
    MemberlistKvStore writer = nodes.get(round % NODES);
    writer.cas(KEY, LwwMapCodec.put("written-by", writer.nodeName(), clock.millis()));
    for (MemberlistKvStore node : nodes) {
      Poll.until("round " + round + ": " + node.nodeName() + " to see the write", WAIT,
          () -> LwwMapCodec.strings(node.get(KEY)), Map.of("written-by", writer.nodeName())::equals);
    }
    stopStarted();
  }

  @Test
  void aNodeThatJoinsNoListedMemberFailsToStartWhenAbortIfJoinFailsIsSet() {
    int[] ports = ports(2); // ports[1]: nobody listens there
    MemberlistKvStore lonely = store(MemberlistConfig.defaults("127.0.0.1", ports[0], List.of("127.0.0.1:" + ports[1]))
        .withNodeName("lonely", false)
        .withJoinRetries(new MemberlistConfig.JoinRetries(3, Duration.ofMillis(10), Duration.ofMillis(40), true)));

    assertThatThrownBy(lonely::start).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("127.0.0.1:" + ports[1]).hasMessageContaining("3 attempts")
        .hasMessageContaining("-memberlist.abort-if-join-fails");
    assertThat(lonely.state()).isEqualTo(Service.State.FAILED);
  }

  @Test
  void withoutAbortANodeThatJoinsNoListedMemberRunsAloneAndMergesWhenTheMemberComesUp() throws Exception {
    int[] ports = ports(2);
    MemberlistConfig.JoinRetries fast = new MemberlistConfig.JoinRetries(3, Duration.ofMillis(10),
        Duration.ofMillis(40), false);
    MemberlistKvStore a = store(MemberlistConfig.defaults("127.0.0.1", ports[0], List.of("127.0.0.1:" + ports[1]))
        .withNodeName("a", false).withJoinRetries(fast));
    a.start();
    assertThat(a.state()).isEqualTo(Service.State.RUNNING);
    assertThat(a.joinedListedMember()).isFalse();
    a.cas(KEY, LwwMapCodec.put("a", "1", clock.millis()));

    // b lists only itself: there is no one else for it to join.
    MemberlistKvStore b = store(MemberlistConfig.defaults("127.0.0.1", ports[1], List.of("127.0.0.1:" + ports[1]))
        .withNodeName("b", false).withJoinRetries(fast));
    b.start();
    assertThat(b.joinedListedMember()).isTrue();

    Poll.until("a and b in one cluster", WAIT, () -> a.members().size() == 2 && b.members().size() == 2);
    assertThat(a.joinedListedMember()).isTrue();
    Poll.until("b to get a's entry", WAIT, () -> LwwMapCodec.strings(b.get(KEY)), Map.of("a", "1")::equals);
  }
}
