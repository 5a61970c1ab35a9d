package io.flarestack.common.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.api.ring.v1.InstanceState;
import io.flarestack.api.ring.v1.RingDesc;
import io.flarestack.common.ring.kv.InMemoryKvStore;
import io.flarestack.common.testing.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LifecyclerTest {
  private static final String KEY = "ring";
  private static final long START = 1_700_000_000L;

  private final InMemoryKvStore kv = new InMemoryKvStore();
  private final ManualClock clock = new ManualClock(Instant.ofEpochSecond(START));
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final List<Lifecycler> lifecyclers = new ArrayList<>();
  private Ring ring;

  @AfterEach
  void tearDown() {
    lifecyclers.forEach(Lifecycler::stop);
    if (ring != null) {
      ring.stop();
    }
    executor.shutdownNow();
  }

  @Test
  void joinsActiveWithSeededTokensAndTheRingSeesIt() throws Exception {
    Lifecycler lifecycler = lifecycler(LifecyclerConfig.defaults(KEY, "ingester-0", "inprocess:ingester-0")
        .withZone("zone-a"), 42);
    startRing(1);

    lifecycler.start();

    assertThat(ring.instances()).singleElement().satisfies(i -> {
      assertThat(i.getId()).isEqualTo("ingester-0");
      assertThat(i.getAddr()).isEqualTo("inprocess:ingester-0");
      assertThat(i.getZone()).isEqualTo("zone-a");
      assertThat(i.getState()).isEqualTo(InstanceState.ACTIVE);
      assertThat(i.getTimestamp()).isEqualTo(START);
      assertThat(i.getRegisteredTimestamp()).isEqualTo(START);
      assertThat(i.getTokensList()).hasSize(128).doesNotHaveDuplicates()
          .containsExactlyElementsOf(expectedTokens(42, 128));
    });
    assertThat(lifecycler.instanceState()).isEqualTo(InstanceState.ACTIVE);
    assertThat(lifecycler.tokens()).containsExactly(expectedTokens(42, 128).stream().mapToInt(Integer::intValue).toArray());
    assertThat(ring.isHealthy()).isTrue();
    assertThat(ring.get(12345, Operation.WRITE).addresses()).containsExactly("inprocess:ingester-0");
  }

  @Test
  void tokensNeverCollideWithAnotherInstances() throws Exception {
    // The same seed proposes the same tokens again, so the second instance must pick others.
    Lifecycler first = lifecycler(LifecyclerConfig.defaults(KEY, "ingester-0", "a:1").withNumTokens(64), 3);
    Lifecycler second = lifecycler(LifecyclerConfig.defaults(KEY, "ingester-1", "b:1").withNumTokens(64), 3);

    first.start();
    second.start();

    Set<Integer> firstTokens = new HashSet<>(decode(kv.get(KEY)).getInstancesMap().get("ingester-0").getTokensList());
    List<Integer> secondTokens = decode(kv.get(KEY)).getInstancesMap().get("ingester-1").getTokensList();
    assertThat(firstTokens).hasSize(64);
    assertThat(secondTokens).hasSize(64).doesNotHaveDuplicates().noneMatch(firstTokens::contains);
  }

  @Test
  void threeLifecyclersMakeAReplicationFactorThreeRing() throws Exception {
    for (int i = 0; i < 3; i++) {
      lifecycler(LifecyclerConfig.defaults(KEY, "ingester-" + i, "10.0.0." + i + ":9095"), 100 + i).start();
    }
    startRing(3);

    SplittableRandom keys = new SplittableRandom(9);
    for (int k = 0; k < 200; k++) {
      ReplicationSet set = ring.get(keys.nextInt(), Operation.WRITE);
      assertThat(set.addresses()).containsExactlyInAnyOrder("10.0.0.0:9095", "10.0.0.1:9095", "10.0.0.2:9095");
      assertThat(set.maxErrors()).isEqualTo(1);
    }
  }

  @Test
  void heartbeatRefreshesTheTimestamp() throws Exception {
    lifecycler(LifecyclerConfig.defaults(KEY, "ingester-0", "a:1").withHeartbeatPeriod(Duration.ofMillis(5)), 1).start();
    startRing(1);

    clock.advance(Duration.ofMinutes(5));
    awaitInstance(i -> i != null && i.getTimestamp() == START + 300);

    assertThat(ring.isHealthy()).isTrue();
    assertThat(ring.instances()).singleElement().satisfies(i -> {
      assertThat(i.getState()).isEqualTo(InstanceState.ACTIVE);
      assertThat(i.getRegisteredTimestamp()).isEqualTo(START);
    });
  }

  @Test
  void heartbeatPutsBackAnEntryThatVanished() throws Exception {
    Lifecycler lifecycler = lifecycler(LifecyclerConfig.defaults(KEY, "ingester-0", "a:1")
        .withHeartbeatPeriod(Duration.ofMillis(5)), 1);
    lifecycler.start();

    kv.cas(KEY, current -> RingDesc.getDefaultInstance().toByteArray());
    awaitInstance(i -> i != null);

    assertThat(decode(kv.get(KEY)).getInstancesMap().get("ingester-0").getTokensList())
        .hasSize(128)
        .containsExactlyElementsOf(Arrays.stream(lifecycler.tokens()).boxed().toList());
  }

  @Test
  void gracefulStopLeavesThenUnregisters() throws Exception {
    Lifecycler lifecycler = lifecycler(LifecyclerConfig.defaults(KEY, "ingester-0", "a:1"), 1);
    lifecycler.start();
    lifecycler(LifecyclerConfig.defaults(KEY, "ingester-1", "b:1"), 2).start();
    startRing(1);
    List<String> seen = new ArrayList<>();
    kv.watch(KEY, value -> {
      InstanceDesc i = decode(value).getInstancesMap().get("ingester-0");
      seen.add(i == null ? "absent" : i.getState().name());
    });

    lifecycler.stop();

    assertThat(new LinkedHashSet<>(seen)).containsExactly("ACTIVE", "LEAVING", "absent");
    assertThat(ring.instances()).extracting(InstanceDesc::getId).containsExactly("ingester-1");
    assertThat(lifecycler.instanceState()).isEqualTo(InstanceState.LEFT);
  }

  @Test
  void withoutUnregisteringItStaysLeavingAndARestartTakesItsTokensBack() throws Exception {
    LifecyclerConfig config = LifecyclerConfig.defaults(KEY, "ingester-0", "a:1").withUnregisterOnShutdown(false);
    Lifecycler before = lifecycler(config, 1);
    before.start();
    before.stop();

    InstanceDesc kept = decode(kv.get(KEY)).getInstancesMap().get("ingester-0");
    assertThat(kept.getState()).isEqualTo(InstanceState.LEAVING);
    assertThat(kept.getTokensCount()).isEqualTo(config.numTokens());
    // The process is gone: its heartbeat is cleared, so readers skip it at once.
    assertThat(kept.getTimestamp()).isZero();

    clock.advance(Duration.ofSeconds(30));
    Lifecycler after = lifecycler(config, 999); // a different seed would pick different tokens
    after.start();

    InstanceDesc restarted = decode(kv.get(KEY)).getInstancesMap().get("ingester-0");
    assertThat(after.tokens()).containsExactly(before.tokens());
    assertThat(restarted.getState()).isEqualTo(InstanceState.ACTIVE);
    assertThat(restarted.getRegisteredTimestamp()).isEqualTo(START);
    assertThat(restarted.getTimestamp()).isEqualTo(START + 30);
  }

  @Test
  void ringMetricsCountTheLifecyclers() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ring = new Ring(RingConfig.defaults("ingester", KEY), kv, clock, registry);
    ring.start();
    lifecycler(LifecyclerConfig.defaults(KEY, "ingester-0", "a:1").withNumTokens(16), 1).start();
    lifecycler(LifecyclerConfig.defaults(KEY, "ingester-1", "b:1").withNumTokens(16), 2).start();

    assertThat(registry.get("pyroscope.ring.members").tag("state", "ACTIVE").gauge().value()).isEqualTo(2.0);
    assertThat(registry.get("pyroscope.ring.tokens").functionCounter().count()).isEqualTo(32.0);

    lifecyclers.get(0).stop();
    assertThat(registry.get("pyroscope.ring.members").tag("state", "ACTIVE").gauge().value()).isEqualTo(1.0);
    assertThat(registry.get("pyroscope.ring.tokens").functionCounter().count()).isEqualTo(16.0);
  }

  @Test
  void rejectsAnInvalidConfig() {
    LifecyclerConfig bad = new LifecyclerConfig(KEY, "", "", "", 0, Duration.ZERO, Duration.ofSeconds(-1),
        InstanceState.LEAVING, true, Optional.empty(), Duration.ofSeconds(-1));

    assertThatThrownBy(() -> new Lifecycler(bad, kv, clock, executor, new SplittableRandom(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("instance id must not be empty")
        .hasMessageContaining("number of tokens must be between 1 and 65536, got 0")
        .hasMessageContaining("heartbeat period must be positive, got 0s")
        .hasMessageContaining("heartbeat timeout must not be negative, got -1s")
        .hasMessageContaining("initial state must be PENDING, JOINING or ACTIVE, got LEAVING")
        .hasMessageContaining("auto-forget period must not be negative, got -1s");
    LifecyclerConfig tooEager = LifecyclerConfig.defaults(KEY, "i", "a:1").withAutoForgetPeriod(Duration.ofSeconds(5));
    assertThat(tooEager.validate()).containsExactly(
        "lifecycler i: auto-forget period must be longer than the heartbeat period 5s, got 5s");
  }

  private Lifecycler lifecycler(LifecyclerConfig config, long seed) {
    Lifecycler l = new Lifecycler(config, kv, clock, executor, new SplittableRandom(seed));
    lifecyclers.add(l);
    return l;
  }

  private void startRing(int replicationFactor) throws Exception {
    ring = new Ring(RingConfig.defaults("ingester", KEY).withReplicationFactor(replicationFactor), kv, clock,
        new SimpleMeterRegistry());
    ring.start();
  }

  private void awaitInstance(Predicate<InstanceDesc> condition) throws Exception {
    CountDownLatch latch = new CountDownLatch(1);
    AutoCloseable watch = kv.watch(KEY, value -> {
      if (condition.test(decode(value).getInstancesMap().get("ingester-0"))) {
        latch.countDown();
      }
    });
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).as("ring entry reached the expected state").isTrue();
    } finally {
      watch.close();
    }
  }

  /** The first {@code n} distinct values of the seeded generator, in unsigned order. */
  private static List<Integer> expectedTokens(long seed, int n) {
    SplittableRandom random = new SplittableRandom(seed);
    Set<Integer> distinct = new LinkedHashSet<>();
    while (distinct.size() < n) {
      distinct.add(random.nextInt());
    }
    return distinct.stream().sorted(Integer::compareUnsigned).toList();
  }

  private static RingDesc decode(byte[] value) {
    try {
      return value == null ? RingDesc.getDefaultInstance() : RingDesc.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
