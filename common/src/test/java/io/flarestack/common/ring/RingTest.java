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
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RingTest {
  private static final String KEY = "ring";
  private static final long NOW = 1_000;

  private final InMemoryKvStore kv = new InMemoryKvStore();
  private final ManualClock clock = new ManualClock(Instant.ofEpochSecond(NOW));
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private Ring ring;

  @AfterEach
  void stop() {
    if (ring != null) {
      ring.stop();
    }
  }

  @Test
  void replicationFactorOneWithOneInstance() throws Exception {
    put(kv, KEY, "ingester-0", InstanceState.ACTIVE, NOW, 100, 0x9000_0000);
    start(1);

    for (int token : new int[] {0, 50, 100, 101, 0x7fff_ffff, 0x9000_0000, 0xffff_ffff}) {
      ReplicationSet set = ring.get(token, Operation.WRITE);
      assertThat(set.instances()).extracting(InstanceDesc::getId).containsExactly("ingester-0");
      assertThat(set.maxErrors()).isZero();
      assertThat(set.addresses()).containsExactly("ingester-0:9095");
    }
  }

  @Test
  void walksClockwiseFromTheFirstTokenAfterTheKey() throws Exception {
    put(kv, KEY, "a", InstanceState.ACTIVE, NOW, 100, 400);
    put(kv, KEY, "b", InstanceState.ACTIVE, NOW, 200, 500);
    put(kv, KEY, "c", InstanceState.ACTIVE, NOW, 300, 0xf000_0000);
    put(kv, KEY, "d", InstanceState.ACTIVE, NOW, 350);
    start(3);

    assertThat(ids(ring.get(150, Operation.WRITE))).containsExactly("b", "c", "d");
    // A key equal to a token belongs to the next token, as in dskit.
    assertThat(ids(ring.get(200, Operation.WRITE))).containsExactly("c", "d", "a");
    // Tokens are unsigned: 0xf0000000 sorts after 500, and the walk wraps to the start.
    assertThat(ids(ring.get(600, Operation.WRITE))).containsExactly("c", "a", "b");
    assertThat(ids(ring.get(0xf000_0001, Operation.WRITE))).containsExactly("a", "b", "c");
    assertThat(ring.get(150, Operation.WRITE).maxErrors()).isEqualTo(1);
  }

  @Test
  void replicaSetsAreDistinctAndDeterministicWithRandomTokens() throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 5; i++) {
      int[] tokens = new int[128];
      for (int t = 0; t < tokens.length; t++) {
        tokens[t] = random.nextInt();
      }
      put(kv, KEY, "ingester-" + i, InstanceState.ACTIVE, NOW, tokens);
    }
    start(3);

    for (int k = 0; k < 2_000; k++) {
      int token = random.nextInt();
      List<String> owners = ids(ring.get(token, Operation.WRITE));
      assertThat(owners).hasSize(3).doesNotHaveDuplicates()
          .isEqualTo(RingFixtures.expectedOwners(ring.instances(), token, 3))
          .isEqualTo(ids(ring.get(token, Operation.WRITE)));
    }
  }

  @Test
  void staleInstanceIsSkippedButCountsTowardTheQuorum() throws Exception {
    put(kv, KEY, "a", InstanceState.ACTIVE, NOW, 100);
    put(kv, KEY, "b", InstanceState.ACTIVE, NOW - 61, 200); // older than the 1m timeout
    put(kv, KEY, "c", InstanceState.ACTIVE, NOW - 60, 300); // exactly at the timeout: healthy
    start(3);

    ReplicationSet set = ring.get(50, Operation.WRITE);

    assertThat(ids(set)).containsExactly("a", "c");
    assertThat(set.maxErrors()).isZero();
    assertThat(set.minSuccess()).isEqualTo(2);

    clock.advance(Duration.ofSeconds(1)); // now c is stale too: 1 of 3 healthy, quorum is 2
    assertThatThrownBy(() -> ring.get(50, Operation.WRITE))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .hasMessageContaining("too many unhealthy instances in the ring")
        .hasMessageContaining("at least 2 live replicas required for WRITE, could only find 1")
        .hasMessageContaining("b last heartbeat 62s ago");
  }

  @Test
  void writesExtendPastALeavingInstanceAndReadsMayUseIt() throws Exception {
    put(kv, KEY, "a", InstanceState.ACTIVE, NOW, 100);
    put(kv, KEY, "b", InstanceState.LEAVING, NOW, 200);
    put(kv, KEY, "c", InstanceState.ACTIVE, NOW, 300);
    put(kv, KEY, "d", InstanceState.ACTIVE, NOW, 400);
    start(3);

    ReplicationSet write = ring.get(50, Operation.WRITE);
    ReplicationSet read = ring.get(50, Operation.READ);

    // b takes no writes: d replaces it, and the quorum is over the three that do, 3/2+1 = 2.
    assertThat(ids(write)).containsExactly("a", "c", "d");
    assertThat(write.maxErrors()).isEqualTo(1);
    assertThat(ids(read)).containsExactly("a", "b", "c");
    assertThat(read.maxErrors()).isEqualTo(1);
  }

  @Test
  void withOneReplicaAWriteForALeavingInstanceGoesToTheNextActiveOne() throws Exception {
    put(kv, KEY, "a", InstanceState.ACTIVE, NOW, 100);
    put(kv, KEY, "b", InstanceState.LEAVING, NOW, 200);
    start(1);

    // Token 150 belongs to b, which is leaving: the write goes to a alone and needs a alone.
    ReplicationSet write = ring.get(150, Operation.WRITE);
    assertThat(ids(write)).containsExactly("a");
    assertThat(write.minSuccess()).isEqualTo(1);
    // Reads still reach b, which holds its data until it has left.
    assertThat(ids(ring.get(150, Operation.READ))).containsExactly("b");

    put(kv, KEY, "a", InstanceState.LEAVING, NOW, 100);
    assertThatThrownBy(() -> ring.get(150, Operation.WRITE))
        .hasMessageContaining("at least 1 live replicas required for WRITE, could only find 0");
  }

  @Test
  void replicationFactorAboveTheInstanceCountCannotReachAQuorum() throws Exception {
    put(kv, KEY, "a", InstanceState.ACTIVE, NOW, 100);
    start(3);

    assertThatThrownBy(() -> ring.get(1, Operation.WRITE))
        .hasMessageContaining("at least 2 live replicas required for WRITE, could only find 1");
  }

  @Test
  void emptyRingIsUnavailable() throws Exception {
    start(1);

    assertThatThrownBy(() -> ring.get(1, Operation.WRITE))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .hasMessageContaining("ring ingester is empty");
    assertThatThrownBy(() -> ring.getAllHealthy(Operation.READ)).hasMessageContaining("ring ingester is empty");
    assertThat(ring.isHealthy()).isFalse();
    assertThat(ring.unhealthyReason()).isEqualTo("ring ingester has no healthy ACTIVE instance (0 registered)");
  }

  @Test
  void allHealthyFansOutToEveryServingInstance() throws Exception {
    put(kv, KEY, "a", InstanceState.ACTIVE, NOW, 100);
    put(kv, KEY, "b", InstanceState.LEAVING, NOW, 200);
    put(kv, KEY, "c", InstanceState.JOINING, NOW, 300);
    put(kv, KEY, "d", InstanceState.ACTIVE, NOW - 3600, 400);
    start(1);

    assertThat(ids(ring.getAllHealthy(Operation.READ))).containsExactly("a", "b");
    assertThat(ids(ring.getAllHealthy(Operation.WRITE))).containsExactly("a");
    assertThat(ring.getAllHealthy(Operation.READ).maxErrors()).isZero();
    assertThat(ring.healthyInstanceCount()).isEqualTo(1);
  }

  @Test
  void replicationSetForOperationToleratesWhatTheReplicationFactorAllows() throws Exception {
    put(kv, KEY, "a", InstanceState.ACTIVE, NOW, 100);
    put(kv, KEY, "b", InstanceState.ACTIVE, NOW, 200);
    put(kv, KEY, "c", InstanceState.ACTIVE, NOW, 300);
    put(kv, KEY, "d", InstanceState.ACTIVE, NOW, 400);
    start(3);

    // 4 instances, RF 3: 4 - 3/2 = 3 must answer, so one may fail.
    assertThat(ring.getReplicationSetForOperation(Operation.READ).maxErrors()).isEqualTo(1);

    put(kv, KEY, "d", InstanceState.ACTIVE, NOW - 3600, 400);
    ReplicationSet oneDown = ring.getReplicationSetForOperation(Operation.READ);
    assertThat(ids(oneDown)).containsExactly("a", "b", "c");
    assertThat(oneDown.maxErrors()).isZero();

    put(kv, KEY, "c", InstanceState.ACTIVE, NOW - 3600, 300);
    assertThatThrownBy(() -> ring.getReplicationSetForOperation(Operation.READ))
        .hasMessageContaining("too many unhealthy instances in the ring ingester: 3 healthy instances required");
  }

  @Test
  void seesChangesAfterStart() throws Exception {
    start(1);
    assertThat(ring.instances()).isEmpty();

    put(kv, KEY, "late", InstanceState.ACTIVE, NOW, 100);

    assertThat(ring.instances()).extracting(InstanceDesc::getId).containsExactly("late");
    assertThat(ring.isHealthy()).isTrue();
    assertThat(ring.unhealthyReason()).isNull();
  }

  @Test
  void undecodableValueKeepsThePreviousRing() throws Exception {
    put(kv, KEY, "a", InstanceState.ACTIVE, NOW, 100);
    start(1);

    kv.cas(KEY, current -> new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});

    assertThat(ring.instances()).extracting(InstanceDesc::getId).containsExactly("a");
  }

  @Test
  void heartbeatOlderThanTheTimeoutMakesTheRingUnhealthy() throws Exception {
    put(kv, KEY, "a", InstanceState.ACTIVE, NOW, 100);
    start(1);
    assertThat(ring.isHealthy()).isTrue();

    clock.advance(Duration.ofMinutes(2));

    assertThat(ring.isHealthy()).isFalse();
  }

  @Test
  void reportsMembersByStateOldestHeartbeatsAndTokens() throws Exception {
    put(kv, KEY, "a", InstanceState.ACTIVE, NOW - 5, 1, 2);
    put(kv, KEY, "b", InstanceState.ACTIVE, NOW - 10, 3);
    put(kv, KEY, "c", InstanceState.LEAVING, NOW - 1, 4);
    put(kv, KEY, "d", InstanceState.JOINING, NOW - 2, 5);
    put(kv, KEY, "e", InstanceState.ACTIVE, NOW - 300, 6);
    start(1);

    String scrape = registry.scrape();

    assertThat(scrape).contains(
        "# HELP pyroscope_ring_members Number of members in the ring\n",
        "# TYPE pyroscope_ring_members gauge\n",
        "pyroscope_ring_members{name=\"ingester\",state=\"ACTIVE\"} 2.0\n",
        "pyroscope_ring_members{name=\"ingester\",state=\"LEAVING\"} 1.0\n",
        "pyroscope_ring_members{name=\"ingester\",state=\"JOINING\"} 1.0\n",
        "pyroscope_ring_members{name=\"ingester\",state=\"PENDING\"} 0.0\n",
        "pyroscope_ring_members{name=\"ingester\",state=\"Unhealthy\"} 1.0\n",
        "pyroscope_ring_oldest_member_timestamp{name=\"ingester\",state=\"ACTIVE\"} 990.0\n",
        "pyroscope_ring_oldest_member_timestamp{name=\"ingester\",state=\"Unhealthy\"} 700.0\n",
        "pyroscope_ring_oldest_member_timestamp{name=\"ingester\",state=\"PENDING\"} 0.0\n",
        "# HELP pyroscope_ring_tokens_total Number of tokens in the ring\n",
        "pyroscope_ring_tokens_total{name=\"ingester\"} 6.0\n");

    ring.stop();
    assertThat(registry.scrape()).doesNotContain("pyroscope_ring_");
  }

  @Test
  void rejectsAnInvalidConfig() {
    assertThatThrownBy(() -> new Ring(new RingConfig("ingester", "", 0, Duration.ofMinutes(1)), kv, clock, registry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KV key must not be empty")
        .hasMessageContaining("replication factor must be at least 1, got 0");
  }

  private void start(int replicationFactor) throws Exception {
    ring = new Ring(RingConfig.defaults("ingester", KEY).withReplicationFactor(replicationFactor), kv, clock, registry);
    ring.start();
  }

  private static List<String> ids(ReplicationSet set) {
    return set.instances().stream().map(InstanceDesc::getId).toList();
  }
}
