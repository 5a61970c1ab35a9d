package io.flarestack.common.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RingFlagsTest {
  private final RingFlags flags = RingFlags.of("store_gateway.sharding_ring", "store-gateway.sharding-ring",
      Duration.ofSeconds(15));

  @Test
  void namesFollowPyroscopesCommonRingBlock() {
    assertThat(flags.store().flag()).isEqualTo("store-gateway.sharding-ring.store");
    assertThat(flags.store().yamlPath()).isEqualTo("store_gateway.sharding_ring.kvstore.store");
    assertThat(flags.instanceId().flag()).isEqualTo("store-gateway.sharding-ring.instance-id");
    assertThat(flags.instanceAddr().yamlPath()).isEqualTo("store_gateway.sharding_ring.instance_addr");
    assertThat(flags.heartbeatPeriod().defaultValue()).isEqualTo(Duration.ofSeconds(15));
    assertThat(flags.heartbeatTimeout().defaultValue()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void anUnsetStoreIsMemberlistOnlyWhenJoiningACluster() {
    assertThat(RingFlags.effectiveStore("", true)).isEqualTo("memberlist");
    assertThat(RingFlags.effectiveStore("", false)).isEqualTo("inmemory");
    assertThat(RingFlags.effectiveStore("etcd", true)).isEqualTo("etcd");
    assertThat(RingFlags.effectiveStore("inmemory", true)).isEqualTo("inmemory");
  }

  @Test
  void badValuesAreNamedWithTheirFlag() {
    RingFlags.Settings bad = new RingFlags.Settings("consul", Duration.ZERO, Duration.ofSeconds(-1), "", "", "");
    assertThat(flags.validate(bad)).containsExactly(
        "-store-gateway.sharding-ring.store (store_gateway.sharding_ring.kvstore.store): unknown KV store \"consul\";"
            + " use one of [inmemory, memberlist, etcd]",
        "-store-gateway.sharding-ring.heartbeat-period (store_gateway.sharding_ring.heartbeat_period): must be positive",
        "-store-gateway.sharding-ring.heartbeat-timeout (store_gateway.sharding_ring.heartbeat_timeout): must not be"
            + " negative");
    assertThat(flags.validate(new RingFlags.Settings("", Duration.ofSeconds(15), Duration.ZERO, "", "", ""))).isEmpty();
  }
}
