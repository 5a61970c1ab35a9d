package io.flarestack.common.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.api.ring.v1.InstanceState;
import io.flarestack.api.ring.v1.RingDesc;
import io.flarestack.common.lifecycle.Service;
import io.flarestack.common.ring.kv.InMemoryKvStore;
import io.flarestack.common.ring.kv.KvStore;
import io.flarestack.common.testing.ManualClock;
import io.flarestack.common.testing.Poll;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lifecycler's states, tokens file, auto-forget, leaving and restarts. */
class LifecyclerStateMachineTest {
  private static final String KEY = "ring";
  private static final long START = 1_700_000_000L;
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final Duration FAST = Duration.ofMillis(5);

  private final ManualClock clock = new ManualClock(Instant.ofEpochSecond(START));
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService stopper = Executors.newSingleThreadExecutor();
  private final List<Lifecycler> lifecyclers = new ArrayList<>();
  private KvStore kv = new InMemoryKvStore();

  @TempDir
  Path dir;

  @AfterEach
  void tearDown() {
    lifecyclers.forEach(Lifecycler::stop);
    executor.shutdownNow();
    stopper.shutdownNow();
  }

  @Test
  void anIngesterGoesPendingJoiningActiveInOneMillisecondAndAMergingStoreKeepsEveryStep() throws Exception {
    // The merging store drops a write that is not strictly newer: with second (or millisecond)
    // resolution, JOINING and ACTIVE would be lost after PENDING, since the clock does not move.
    kv = new InMemoryKvStore(new RingMerge(), clock, Duration.ofMinutes(5));
    List<InstanceDesc> writes = record();

    Lifecycler lifecycler = lifecycler(config("ingester-0").withNumTokens(16), 1);
    lifecycler.start();
    lifecycler.stop();

    long ms = START * 1000;
    assertThat(writes).extracting(InstanceDesc::getState).containsExactly(InstanceState.PENDING,
        InstanceState.JOINING, InstanceState.ACTIVE, InstanceState.LEAVING);
    assertThat(writes).extracting(InstanceDesc::getUpdatedAtMillis).containsExactly(ms, ms + 1, ms + 2, ms + 3);
    assertThat(writes).extracting(InstanceDesc::getTimestamp).containsOnly(START);
    assertThat(writes.get(0).getTokensList()).isEmpty();
    assertThat(writes.get(1).getTokensList()).hasSize(16);
    assertThat(writes.get(2).getTokensList()).isEqualTo(writes.get(1).getTokensList());
    assertThat(kv.get(KEY)).as("unregistered: only a tombstone is left").satisfies(v ->
        assertThat(decode(v).getInstancesMap()).isEmpty());
  }

  @Test
  void aStoreGatewayStaysJoiningUntilMarkedActive() throws Exception {
    List<InstanceDesc> writes = record();
    Lifecycler lifecycler = lifecycler(config("store-gateway-0").withNumTokens(512)
        .withInitialState(InstanceState.JOINING), 1);

    lifecycler.start();

    assertThat(writes).extracting(InstanceDesc::getState).containsExactly(InstanceState.JOINING);
    assertThat(writes.get(0).getTokensList()).hasSize(512);
    assertThat(lifecycler.isActive()).isFalse();
    assertThat(lifecycler.isHealthy()).isFalse();
    assertThat(lifecycler.unhealthyReason()).isEqualTo("instance store-gateway-0 is JOINING in ring ring, not ACTIVE");

    lifecycler.markActive();
    lifecycler.markActive(); // already ACTIVE: no second write

    assertThat(writes).extracting(InstanceDesc::getState).containsExactly(InstanceState.JOINING, InstanceState.ACTIVE);
    assertThat(writes.get(1).getTokensList()).isEqualTo(writes.get(0).getTokensList());
    assertThat(lifecycler.isActive()).isTrue();
    assertThat(lifecycler.unhealthyReason()).isNull();
  }

  @Test
  void aDistributorRegistersActiveInOneWrite() throws Exception {
    List<InstanceDesc> writes = record();

    lifecycler(config("distributor-0").withNumTokens(1).withInitialState(InstanceState.ACTIVE), 1).start();

    assertThat(writes).singleElement().satisfies(i -> {
      assertThat(i.getState()).isEqualTo(InstanceState.ACTIVE);
      assertThat(i.getTokensList()).hasSize(1);
    });
  }

  @Test
  void markActiveNeedsARunningLifecycler() {
    Lifecycler lifecycler = lifecycler(config("store-gateway-0").withInitialState(InstanceState.JOINING), 1);

    assertThatThrownBy(lifecycler::markActive).isInstanceOf(IllegalStateException.class)
        .hasMessage("lifecycler of store-gateway-0 is NEW; it can turn ACTIVE only while running");
  }

  @Test
  void tokensFileIsWrittenAfterJoiningAndARestartUsesIt() throws Exception {
    Path file = dir.resolve("sub/tokens.json");
    LifecyclerConfig config = config("ingester-0").withNumTokens(8).withTokensFile(file);
    Lifecycler first = lifecycler(config, 1);
    first.start();
    List<Integer> registered = entry("ingester-0").getTokensList();

    // The file holds the registered tokens as unsigned decimals, in dskit's JSON shape.
    String expected = registered.stream().sorted(Integer::compareUnsigned).map(Integer::toUnsignedString)
        .collect(Collectors.joining(",", "{\"tokens\":[", "]}"));
    assertThat(Files.readString(file)).isEqualTo(expected);
    assertThat(Files.exists(dir.resolve("sub/tokens.json.tmp"))).isFalse();

    first.stop(); // unregisters: the ring forgets the tokens, the file keeps them
    assertThat(decode(kv.get(KEY)).getInstancesMap()).isEmpty();
    List<InstanceDesc> writes = record();
    clock.advance(Duration.ofSeconds(10));
    Lifecycler second = lifecycler(config, 999); // another seed would pick other tokens
    second.start();

    assertThat(writes).extracting(InstanceDesc::getState).as("straight to ACTIVE").containsExactly(InstanceState.ACTIVE);
    assertThat(entry("ingester-0").getTokensList()).isEqualTo(registered);
  }

  @Test
  void tokensFromAHandWrittenFileAreUnsignedAndToppedUp() throws Exception {
    Path file = dir.resolve("tokens.json");
    Files.writeString(file, "{ \"tokens\": [4294967295, 7, 7, 2147483648] }");

    lifecycler(config("ingester-0").withNumTokens(4).withTokensFile(file), 1).start();

    List<Integer> tokens = entry("ingester-0").getTokensList();
    assertThat(tokens).hasSize(4).doesNotHaveDuplicates().contains(-1, 7, Integer.MIN_VALUE);
    assertThat(tokens).isSortedAccordingTo(Integer::compareUnsigned);
  }

  @Test
  void aCorruptTokensFileFailsTheStartNamingTheFile() throws Exception {
    Path notJson = dir.resolve("not-json.json");
    Files.writeString(notJson, "tokens: 1, 2");
    Path badToken = dir.resolve("bad-token.json");
    Files.writeString(badToken, "{\"tokens\":[1, 4294967296]}");
    Path noArray = dir.resolve("no-array.json");
    Files.writeString(noArray, "{\"tokenz\":[1]}");

    for (Path file : List.of(notJson, badToken, noArray)) {
      Lifecycler lifecycler = lifecycler(config("ingester-0").withTokensFile(file), 1);
      assertThatThrownBy(lifecycler::start).isInstanceOf(UncheckedIOException.class)
          .hasMessageStartingWith("ring tokens file " + file + " is corrupt: ");
      assertThat(lifecycler.state()).isEqualTo(Service.State.FAILED);
    }
    assertThat(kv.get(KEY)).as("nothing registered").isNull();
  }

  @Test
  void autoForgetRemovesAStalePeerButNotAHealthyOne() throws Exception {
    RingFixtures.put(kv, KEY, "dead", InstanceState.ACTIVE, START - 601, 1);
    RingFixtures.put(kv, KEY, "alive", InstanceState.ACTIVE, START - 599, 2);
    lifecycler(config("distributor-0").withInitialState(InstanceState.ACTIVE).withNumTokens(1)
        .withHeartbeatPeriod(FAST).withAutoForgetPeriod(Duration.ofMinutes(10)), 1).start();

    Poll.until("the stale peer to be forgotten", DEADLINE, () -> !ring().containsInstances("dead"));

    // The heartbeat that forgot "dead" (601 s old) judged "alive" (599 s old) in the same write.
    assertThat(ring().getInstancesMap()).containsOnlyKeys("alive", "distributor-0");
  }

  @Test
  void anInstanceWhoseOwnHeartbeatsFailedForgetsNobodyUntilItHeartbeatsAgain() throws Exception {
    InMemoryKvStore store = new InMemoryKvStore();
    Unreachable unreachable = new Unreachable(store);
    kv = unreachable;
    // 500 s old now, so not forgotten yet; 620 s old, past the 600 s period, after the outage.
    RingFixtures.put(store, KEY, "dead", InstanceState.ACTIVE, START - 500, 1);
    // The first ring value written at each heartbeat second, as the store saw it.
    Map<Long, RingDesc> firstAt = new ConcurrentHashMap<>();
    store.watch(KEY, value -> {
      InstanceDesc self = decode(value).getInstancesMap().get("distributor-0");
      if (self != null) {
        firstAt.putIfAbsent(self.getTimestamp(), decode(value));
      }
    });
    lifecycler(config("distributor-0").withInitialState(InstanceState.ACTIVE).withNumTokens(1)
        .withHeartbeatPeriod(FAST).withHeartbeatTimeout(Duration.ofMinutes(1))
        .withAutoForgetPeriod(Duration.ofMinutes(10)), 1).start();

    unreachable.down = true;
    clock.advance(Duration.ofMinutes(2)); // its own view is now two minutes old
    Poll.until("a heartbeat to fail", DEADLINE, () -> unreachable.failures.get() > 0);
    unreachable.down = false;
    Poll.until("the stale peer to be forgotten", DEADLINE, () -> !ring().containsInstances("dead"));

    // The first write after the outage only refreshed its own heartbeat; a later one forgot "dead".
    assertThat(firstAt.get(START + 120).getInstancesMap()).containsOnlyKeys("dead", "distributor-0");
  }

  /** A store that fails every write while {@code down}, as an unreachable remote backend does. */
  private static final class Unreachable implements KvStore {
    private final KvStore delegate;
    private final AtomicInteger failures = new AtomicInteger();
    private volatile boolean down;

    Unreachable(KvStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public byte[] get(String key) {
      return delegate.get(key);
    }

    @Override
    public void cas(String key, UnaryOperator<byte[]> update) {
      if (down) {
        failures.incrementAndGet();
        throw new UncheckedIOException(new java.io.IOException("KV store unreachable"));
      }
      delegate.cas(key, update);
    }

    @Override
    public AutoCloseable watch(String key, Consumer<byte[]> listener) {
      return delegate.watch(key, listener);
    }
  }

  @Test
  void withoutAnAutoForgetPeriodNobodyIsForgotten() throws Exception {
    RingFixtures.put(kv, KEY, "dead", InstanceState.ACTIVE, START - 3600, 1);
    lifecycler(config("ingester-0").withNumTokens(1).withHeartbeatPeriod(FAST), 1).start();

    clock.advance(Duration.ofHours(1));
    Poll.until("a heartbeat an hour later", DEADLINE, () -> entry("ingester-0").getTimestamp() == START + 3600);

    assertThat(ring().getInstancesMap()).containsOnlyKeys("dead", "ingester-0");
  }

  @Test
  void heartbeatsGoOnWhileTheBeforeLeavingHookRuns() throws Exception {
    CountDownLatch inHook = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger hookRuns = new AtomicInteger();
    Lifecycler lifecycler = new Lifecycler(config("ingester-0").withNumTokens(4).withHeartbeatPeriod(FAST), kv, clock,
        executor, new SplittableRandom(1), () -> {
          hookRuns.incrementAndGet();
          assertThat(entry("ingester-0").getState()).as("LEAVING before the hook").isEqualTo(InstanceState.LEAVING);
          inHook.countDown();
          if (!release.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("never released");
          }
        });
    lifecyclers.add(lifecycler);
    lifecycler.start();

    CompletableFuture<Void> stopped = CompletableFuture.runAsync(lifecycler::stop, stopper);
    assertThat(inHook.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).as("the hook started").isTrue();
    clock.advance(Duration.ofMinutes(3)); // a long flush
    Poll.until("a heartbeat during the hook", DEADLINE, () -> entry("ingester-0").getTimestamp() == START + 180);
    assertThat(entry("ingester-0").getState()).isEqualTo(InstanceState.LEAVING);
    assertThat(stopped).isNotDone();

    release.countDown();
    stopped.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);

    assertThat(hookRuns).hasValue(1);
    assertThat(ring().getInstancesMap()).isEmpty();
    assertThat(lifecycler.instanceState()).isEqualTo(InstanceState.LEFT);
    assertThat(lifecycler.state()).isEqualTo(Service.State.TERMINATED);
  }

  @Test
  void aFailedHookLeavesTheEntryLeavingAndTheRestartTakesItsTokensBack() throws Exception {
    Lifecycler first = new Lifecycler(config("ingester-0").withNumTokens(8), kv, clock, executor,
        new SplittableRandom(1), () -> {
          throw new IllegalStateException("flush failed: bucket unreachable");
        });
    first.start();
    int[] tokens = first.tokens();

    first.stop();

    assertThat(first.state()).isEqualTo(Service.State.FAILED);
    assertThat(first.failure()).hasMessage("instance ingester-0 failed before leaving ring ring, so it stays LEAVING"
        + " there: flush failed: bucket unreachable");
    assertThat(entry("ingester-0").getState()).isEqualTo(InstanceState.LEAVING);

    clock.advance(Duration.ofSeconds(20));
    List<InstanceDesc> writes = record();
    Lifecycler second = lifecycler(config("ingester-0").withNumTokens(8), 2);
    second.start();

    assertThat(writes).extracting(InstanceDesc::getState).containsExactly(InstanceState.ACTIVE);
    assertThat(second.tokens()).containsExactly(tokens);
    assertThat(entry("ingester-0").getRegisteredTimestamp()).isEqualTo(START);
  }

  @Test
  void aRestartAfterACrashWhileActiveKeepsTheTokens() throws Exception {
    RingFixtures.put(kv, KEY, "ingester-0", InstanceState.ACTIVE, START - 30, 10, 20, 30);
    List<InstanceDesc> writes = record();

    Lifecycler lifecycler = lifecycler(config("ingester-0").withNumTokens(3), 1);
    lifecycler.start();

    assertThat(writes).extracting(InstanceDesc::getState).containsExactly(InstanceState.ACTIVE);
    assertThat(lifecycler.tokens()).containsExactly(10, 20, 30);
  }

  @Test
  void anEntryLeftJoiningByACrashIsResetToPendingFirst() throws Exception {
    RingFixtures.put(kv, KEY, "ingester-0", InstanceState.JOINING, START - 30, 10, 20, 30, 40);
    List<InstanceDesc> writes = record();

    Lifecycler lifecycler = lifecycler(config("ingester-0").withNumTokens(4), 1);
    lifecycler.start();

    assertThat(writes).extracting(InstanceDesc::getState).containsExactly(InstanceState.PENDING, InstanceState.ACTIVE);
    assertThat(writes).extracting(InstanceDesc::getTokensList).containsOnly(List.of(10, 20, 30, 40));
    assertThat(writes.get(1).getUpdatedAtMillis()).isGreaterThan(writes.get(0).getUpdatedAtMillis());
  }

  @Test
  void aRestartTrimsOrTopsUpTheTokensItTakesBack() throws Exception {
    RingFixtures.put(kv, KEY, "big", InstanceState.LEAVING, START - 30, 50, 10, 40, 20, 30);
    RingFixtures.put(kv, KEY, "small", InstanceState.LEAVING, START - 30, 60);

    lifecycler(config("big").withNumTokens(3), 1).start();
    lifecycler(config("small").withNumTokens(3), 2).start();

    assertThat(entry("big").getTokensList()).containsExactly(10, 20, 30);
    assertThat(entry("small").getTokensList()).hasSize(3).contains(60).doesNotContain(10, 20, 30, 40, 50);
  }

  @Test
  void theLoserOfATokenConflictAdoptsTheResolvedTokensAndTopsUp() throws Exception {
    // A merging store shows the ring with conflicts resolved: "b" loses token 5 to the lower id "a".
    kv = new InMemoryKvStore(new RingMerge(), clock, Duration.ofMinutes(5));
    Lifecycler b = lifecycler(config("b").withNumTokens(2).withHeartbeatPeriod(FAST), 1);
    b.start();
    int kept = Arrays.stream(b.tokens()).filter(t -> t != b.tokens()[0]).findFirst().orElseThrow();
    int contested = b.tokens()[0];
    kv.cas(KEY, current -> {
      RingDesc ring = decode(current);
      InstanceDesc a = RingMergeTest.instance("a", InstanceState.ACTIVE, clock.millis(), contested);
      return ring.toBuilder().putInstances("a", a).build().toByteArray();
    });

    clock.advance(Duration.ofSeconds(1));
    Poll.until("b to heartbeat with a new token", DEADLINE, () -> !entry("b").getTokensList().contains(contested)
        && entry("b").getTokensCount() == 2);

    assertThat(entry("b").getTokensList()).contains(kept);
    assertThat(b.tokens()).hasSize(2).contains(kept).doesNotContain(contested);
    assertThat(entry("a").getTokensList()).containsExactly(contested);
  }

  private LifecyclerConfig config(String id) {
    return LifecyclerConfig.defaults(KEY, id, id + ":9095");
  }

  private Lifecycler lifecycler(LifecyclerConfig config, long seed) {
    Lifecycler l = new Lifecycler(config, kv, clock, executor, new SplittableRandom(seed));
    lifecyclers.add(l);
    return l;
  }

  /** Every later write of any instance's entry, as watchers see them (synchronously, in memory). */
  private List<InstanceDesc> record() {
    List<InstanceDesc> writes = new ArrayList<>();
    List<RingDesc> previous = new ArrayList<>(List.of(decode(kv.get(KEY))));
    kv.watch(KEY, value -> {
      RingDesc ring = decode(value);
      synchronized (writes) {
        ring.getInstancesMap().forEach((id, instance) -> {
          if (!instance.equals(previous.get(0).getInstancesMap().get(id))) {
            writes.add(instance);
          }
        });
        previous.set(0, ring);
      }
    });
    return writes;
  }

  private RingDesc ring() {
    return decode(kv.get(KEY));
  }

  private InstanceDesc entry(String id) {
    InstanceDesc i = ring().getInstancesMap().get(id);
    assertThat(i).as("entry of %s", id).isNotNull();
    return i;
  }

  private static RingDesc decode(byte[] value) {
    try {
      return value == null ? RingDesc.getDefaultInstance() : RingDesc.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
