package io.flarestack.common.ring;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.api.ring.v1.InstanceState;
import io.flarestack.api.ring.v1.RingDesc;
import io.flarestack.common.ring.kv.InMemoryKvStore;
import io.flarestack.common.testing.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link Ring#forget}: the ring page's Forget button, a CAS on the ring's KV key. */
class RingForgetTest {
  private static final String KEY = "ring";

  @Test
  void forgetRemovesOnlyThatInstanceFromTheKvAndTheSnapshot() throws Exception {
    InMemoryKvStore kv = new InMemoryKvStore();
    ManualClock clock = new ManualClock(Instant.parse("2024-05-01T12:00:00Z"));
    long now = clock.instant().getEpochSecond();
    RingFixtures.put(kv, KEY, "dead", InstanceState.ACTIVE, now - 3600, 10, 20);
    RingFixtures.put(kv, KEY, "alive", InstanceState.ACTIVE, now, 30, 40);
    Ring ring = new Ring(RingConfig.defaults("ingester", KEY), kv, clock, new SimpleMeterRegistry());
    ring.start();
    try {
      assertThat(ring.forget("dead")).isTrue();
      assertThat(RingDesc.parseFrom(kv.get(KEY)).getInstancesMap()).containsOnlyKeys("alive");
      assertThat(ring.instances()).extracting(InstanceDesc::getId).containsExactly("alive");
    } finally {
      ring.stop();
    }
  }

  @Test
  void forgetOfAnUnknownInstanceWritesNothing() throws Exception {
    InMemoryKvStore kv = new InMemoryKvStore();
    ManualClock clock = new ManualClock(Instant.parse("2024-05-01T12:00:00Z"));
    RingFixtures.put(kv, KEY, "alive", InstanceState.ACTIVE, clock.instant().getEpochSecond(), 30);
    Ring ring = new Ring(RingConfig.defaults("ingester", KEY), kv, clock, new SimpleMeterRegistry());
    ring.start();
    int[] changes = new int[1];
    AutoCloseable watch = kv.watch(KEY, v -> changes[0]++); // the initial value counts once
    try {
      assertThat(ring.forget("nobody")).isFalse();
      assertThat(changes[0]).isEqualTo(1);
      assertThat(RingDesc.parseFrom(kv.get(KEY)).getInstancesMap()).containsOnlyKeys("alive");
    } finally {
      watch.close();
      ring.stop();
    }
  }
}
