package io.flarestack.common.ring;

import static io.flarestack.common.ring.RingFixtures.putZoned;
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
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Zone-aware replica selection on rings built by hand, where the expected sets follow from the
 * tokens: each instance owns one token, so walking clockwise from a key visits the instances in
 * token order.
 */
class ZoneAwareRingTest {
  private static final String KEY = "ring";
  private static final long NOW = 1_000;
  private static final long STALE = NOW - 3_600; // older than the 1m heartbeat timeout

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

  /** Two instances per zone, a zone's two tokens next to each other: a1 100, a2 200, b1 300, ... c2 600. */
  private void twoPerZone() {
    String[] ids = {"a1", "a2", "b1", "b2", "c1", "c2"};
    for (int i = 0; i < ids.length; i++) {
      putZoned(kv, KEY, ids[i], "zone-" + ids[i].charAt(0), InstanceState.ACTIVE, NOW, (i + 1) * 100);
    }
  }

  @Test
  void takesOneInstancePerZoneWhereTheZoneUnawareRingTakesNeighbours() throws Exception {
    twoPerZone();

    start(3, false);
    assertThat(ids(ring.get(50, Operation.WRITE))).containsExactly("a1", "a2", "b1");
    ring.stop();

    start(3, true);
    assertThat(ids(ring.get(50, Operation.WRITE))).containsExactly("a1", "b1", "c1");
    assertThat(ids(ring.get(250, Operation.WRITE))).containsExactly("b1", "c1", "a1");
    assertThat(ids(ring.get(450, Operation.WRITE))).containsExactly("c1", "a1", "b1");
    // Replication factor 3, one replica per zone: a write tolerates one failed zone.
    assertThat(ring.get(50, Operation.WRITE).maxErrors()).isEqualTo(1);
  }

  @Test
  void aNonActiveOwnerExtendsTheSetWithinItsZone() throws Exception {
    twoPerZone();
    putZoned(kv, KEY, "a1", "zone-a", InstanceState.JOINING, NOW, 100);
    start(3, true);

    ReplicationSet set = ring.get(50, Operation.WRITE);

    // a1 is JOINING: a2 of the same zone stands in; a1 is dropped as unhealthy for writes.
    assertThat(ids(set)).containsExactly("a2", "b1", "c1");
    // The quorum counts the owners that can take the write: three, so 3/2+1 = 2 (dskit: 4/2+1 = 3).
    assertThat(set.maxErrors()).isEqualTo(1);
  }

  @Test
  void instancesWithoutAZoneAreNotHeldToOnePerZone() throws Exception {
    putZoned(kv, KEY, "x", "", InstanceState.ACTIVE, NOW, 100);
    putZoned(kv, KEY, "y", "", InstanceState.ACTIVE, NOW, 200);
    putZoned(kv, KEY, "z", "", InstanceState.ACTIVE, NOW, 300);
    start(2, true);

    assertThat(ids(ring.get(50, Operation.WRITE))).containsExactly("x", "y");
  }

  @Test
  void aRingSpanningFewerZonesThanTheReplicationFactorYieldsOneReplicaPerZoneAndNeedsThemAll() throws Exception {
    putZoned(kv, KEY, "a1", "zone-a", InstanceState.ACTIVE, NOW, 100);
    putZoned(kv, KEY, "a2", "zone-a", InstanceState.ACTIVE, NOW, 200);
    putZoned(kv, KEY, "b1", "zone-b", InstanceState.ACTIVE, NOW, 300);
    putZoned(kv, KEY, "b2", "zone-b", InstanceState.ACTIVE, NOW, 400);
    start(3, true);

    ReplicationSet set = ring.get(50, Operation.WRITE);
    assertThat(ids(set)).containsExactly("a1", "b1");
    assertThat(set.maxErrors()).isZero(); // quorum of replication factor 3 is 2

    putZoned(kv, KEY, "b1", "zone-b", InstanceState.ACTIVE, STALE, 300);
    assertThatThrownBy(() -> ring.get(50, Operation.WRITE))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .hasMessageContaining("at least 2 live replicas required across different zones for WRITE, could only find 1")
        .hasMessageContaining("the ring spans 2 zone(s) [zone-a, zone-b], fewer than the replication factor 3");
  }

  @Test
  void readsAcrossTheRingTolerateOneFailedZoneAndLeaveItOutWhole() throws Exception {
    twoPerZone();
    start(3, true);

    ReplicationSet all = ring.getReplicationSetForOperation(Operation.READ);
    assertThat(ids(all)).containsExactlyInAnyOrder("a1", "a2", "b1", "b2", "c1", "c2");
    assertThat(all.maxErrors()).isZero();
    assertThat(all.maxUnavailableZones()).isEqualTo(1);

    putZoned(kv, KEY, "b2", "zone-b", InstanceState.ACTIVE, STALE, 400);
    ReplicationSet oneZoneDown = ring.getReplicationSetForOperation(Operation.READ);
    assertThat(ids(oneZoneDown)).containsExactlyInAnyOrder("a1", "a2", "c1", "c2"); // b1 is healthy but left out
    assertThat(oneZoneDown.maxUnavailableZones()).isZero();

    putZoned(kv, KEY, "c1", "zone-c", InstanceState.ACTIVE, STALE, 500);
    assertThatThrownBy(() -> ring.getReplicationSetForOperation(Operation.READ))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .hasMessageContaining("zones [zone-b, zone-c] have unhealthy instances for READ")
        .hasMessageContaining("at most 1 zone(s) may fail");
  }

  @Test
  void withoutZoneAwarenessTwoFailuresInDifferentZonesFailAReadOfSixInstancesAtReplicationFactorThree()
      throws Exception {
    twoPerZone();
    putZoned(kv, KEY, "b2", "zone-b", InstanceState.ACTIVE, STALE, 400);
    putZoned(kv, KEY, "c1", "zone-c", InstanceState.ACTIVE, STALE, 500);
    start(3, false);

    // Six registered, replication factor 3: 6 - 3/2 = 5 healthy required, 4 found.
    assertThatThrownBy(() -> ring.getReplicationSetForOperation(Operation.READ))
        .hasMessageContaining("5 healthy instances required for READ, could only find 4");
  }

  @Test
  void readsWithOneZoneTolerateNoFailedZone() throws Exception {
    putZoned(kv, KEY, "a1", "zone-a", InstanceState.ACTIVE, NOW, 100);
    putZoned(kv, KEY, "a2", "zone-a", InstanceState.ACTIVE, STALE, 200);
    start(3, true);

    assertThatThrownBy(() -> ring.getReplicationSetForOperation(Operation.READ))
        .hasMessageContaining("zones [zone-a] have unhealthy instances")
        .hasMessageContaining("over 1 zones at most 0 zone(s) may fail");
  }

  private void start(int replicationFactor, boolean zoneAware) throws Exception {
    ring = new Ring(RingConfig.defaults("ingester", KEY).withReplicationFactor(replicationFactor)
        .withZoneAwareness(zoneAware), kv, clock, registry);
    ring.start();
  }

  private static List<String> ids(ReplicationSet set) {
    return set.instances().stream().map(InstanceDesc::getId).toList();
  }
}
