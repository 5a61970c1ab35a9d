package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.api.ring.v1.InstanceState;
import io.flarestack.api.ring.v1.RingDesc;
import io.flarestack.common.config.ConfigException;
import io.flarestack.common.ring.Operation;
import io.flarestack.common.ring.Ring;
import io.flarestack.common.ring.RingConfig;
import io.flarestack.common.ring.kv.InMemoryKvStore;
import io.flarestack.server.cluster.ComponentRings;
import io.flarestack.server.testing.TestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ring flags this process reads: zone awareness reaches the rings' replica selection and
 * requires each registering instance's zone; the compactor and query-scheduler rings take
 * Pyroscope's flag names.
 */
class RingFlagsTest {
  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void distributorZoneAwarenessMakesTheIngesterRingTakeOneIngesterPerZone() throws Exception {
    FlarestackConfig zoneAware = FlarestackConfig.load(List.of("-distributor.replication-factor=3",
        "-distributor.zone-awareness-enabled=true", "-ingester.availability-zone=zone-a"), Map.of());
    FlarestackConfig plain = FlarestackConfig.load(List.of("-distributor.replication-factor=3"), Map.of());

    // Two ingesters per zone, each zone's tokens next to each other: a1 100, a2 200, b1 300, ...
    assertThat(ownersOf(zoneAware.ingesterRing().ringConfig())).containsExactly("a1", "b1", "c1");
    assertThat(ownersOf(plain.ingesterRing().ringConfig())).containsExactly("a1", "a2", "b1");
  }

  @Test
  void storeGatewayZoneAwarenessMakesItsRingZoneAware() throws Exception {
    FlarestackConfig zoneAware = FlarestackConfig.load(List.of("-target=store-gateway",
        "-store-gateway.sharding-ring.zone-awareness-enabled=true",
        "-store-gateway.sharding-ring.instance-availability-zone=zone-b"), Map.of());

    assertThat(ComponentRings.storeGatewayRing(zoneAware.values()).zoneAwarenessEnabled()).isTrue();
    assertThat(ComponentRings.storeGatewayRing(FlarestackConfig.load(List.of(), Map.of()).values())
        .zoneAwarenessEnabled()).isFalse();
  }

  @Test
  void zoneAwarenessNeedsTheZoneOfEveryInstanceThatRegisters() throws Exception {
    assertThatThrownBy(() -> FlarestackConfig.load(List.of("-target=ingester", "-distributor.zone-awareness-enabled=true"),
        Map.of())).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
            .asString().startsWith("-ingester.availability-zone (ingester.lifecycler.availability_zone): must be set"
                + " when -distributor.zone-awareness-enabled (ingester.lifecycler.ring.zone_awareness_enabled) is true"));
    // -target=all registers an ingester and a store-gateway: both zones are missing.
    assertThatThrownBy(() -> FlarestackConfig.load(List.of("-distributor.zone-awareness-enabled=true",
        "-store-gateway.sharding-ring.zone-awareness-enabled=true"), Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(2)
            .anySatisfy(p -> assertThat(p).startsWith("-ingester.availability-zone"))
            .anySatisfy(p -> assertThat(p).startsWith("-store-gateway.sharding-ring.instance-availability-zone")));
    // A distributor reads the zone-aware ring but registers no ingester: it needs no zone.
    FlarestackConfig distributor = FlarestackConfig.load(List.of("-target=distributor",
        "-distributor.zone-awareness-enabled=true"), Map.of());
    assertThat(distributor.ingesterRing().ringConfig().zoneAwarenessEnabled()).isTrue();
  }

  @Test
  void compactorAndQuerySchedulerRingFlagsAreChecked() {
    assertThatThrownBy(() -> FlarestackConfig.load(List.of("-compactor.ring.store=consul",
        "-query-scheduler.ring.heartbeat-period=0s"), Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
            "-compactor.ring.store (compactor.sharding_ring.kvstore.store): unknown KV store \"consul\"; use one of"
                + " [inmemory, memberlist, etcd]",
            "-query-scheduler.ring.heartbeat-period (query_scheduler.ring.heartbeat_period): must be positive"));
    assertThatThrownBy(() -> FlarestackConfig.load(List.of("-query-scheduler.ring.store=etcd"), Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement().asString()
            .startsWith("-query-scheduler.ring.store (query_scheduler.ring.kvstore.store): etcd needs -etcd.endpoints"));
  }

  @Test
  void theSingleBinaryRegistersItsIngesterWithItsZone() throws Exception {
    try (TestServer server = TestServer.start("-distributor.zone-awareness-enabled=true",
        "-ingester.availability-zone=zone-a")) {
      JsonNode shards = json.readTree(server.get("/ring", "Accept", "application/json").body()).get("shards");
      assertThat(shards).hasSize(1);
      assertThat(shards.get(0).get("zone").asText()).isEqualTo("zone-a");
      assertThat(shards.get(0).get("state").asText()).isEqualTo("ACTIVE");
    }
  }

  /** The owners of key 50 on a hand-built ring of two ingesters per zone, read through {@code config}. */
  private static List<String> ownersOf(RingConfig config) throws Exception {
    InMemoryKvStore kv = new InMemoryKvStore();
    String[] ids = {"a1", "a2", "b1", "b2", "c1", "c2"};
    RingDesc.Builder desc = RingDesc.newBuilder();
    for (int i = 0; i < ids.length; i++) {
      desc.putInstances(ids[i], InstanceDesc.newBuilder().setId(ids[i]).setAddr(ids[i] + ":9095")
          .setZone("zone-" + ids[i].charAt(0)).setState(InstanceState.ACTIVE).setTimestamp(NOW.getEpochSecond())
          .addTokens((i + 1) * 100).build());
    }
    kv.cas(config.key(), current -> desc.build().toByteArray());
    Ring ring = new Ring(config, kv, Clock.fixed(NOW, ZoneOffset.UTC), new SimpleMeterRegistry());
    ring.start();
    try {
      return ring.get(50, Operation.WRITE).instances().stream().map(InstanceDesc::getId).toList();
    } finally {
      ring.stop();
    }
  }
}
