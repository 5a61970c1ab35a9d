package io.flarestack.kv.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.lifecycle.Service;
import io.flarestack.common.testing.ManualClock;
import io.flarestack.common.testing.Poll;
import io.flarestack.kv.testing.FreePorts;
import io.flarestack.kv.testing.LwwMapCodec;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only the {@link EtcdKvStore} does, against a real etcd started by the test on free loopback
 * ports, with the test-only {@link LwwMapCodec} for every key; the behaviour every backend shares
 * is {@link EtcdKvStoreContractTest}.
 */
class EtcdKvStoreTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration RETENTION = Duration.ofMinutes(5);

  @TempDir
  static Path dir;
  private static EtcdServer etcd;

  private final List<EtcdKvStore> stores = new ArrayList<>();
  private final String key = "ring-" + System.nanoTime();
  private final ManualClock clock = new ManualClock(Instant.now());

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = new EtcdServer(dir).start();
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    etcd.close();
  }

  @AfterEach
  void stopStores() {
    stores.forEach(EtcdKvStore::stop);
  }

  private EtcdKvStore store(EtcdConfig config) throws Exception {
    EtcdKvStore s = new EtcdKvStore(config, k -> k.equals("unknown") ? null : new LwwMapCodec(), clock, RETENTION);
    stores.add(s);
    s.start();
    return s;
  }

  private EtcdKvStore store() throws Exception {
    return store(EtcdConfig.defaults(List.of(etcd.endpoint())));
  }

  private UnaryOperator<byte[]> put(String name, String value) {
    return LwwMapCodec.put(name, value, clock.millis());
  }

  @Test
  void casGivesUpAfterMaxRetriesOfLostRaces() throws Exception {
    EtcdKvStore a = store(EtcdConfig.defaults(List.of(etcd.endpoint())).withMaxRetries(3));
    EtcdKvStore rival = store();
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(() -> a.cas(key, old -> {
      int call = calls.incrementAndGet();
      rival.cas(key, put("rival", "r" + call)); // deliberately changes the key under a's feet
      return put("mine", "m").apply(old);
    })).isInstanceOf(UncheckedIOException.class).hasMessageContaining("-etcd.max-retries");

    assertThat(calls).hasValue(3);
    assertThat(LwwMapCodec.strings(a.get(key))).isEqualTo(Map.of("rival", "r3"));
  }

  @Test
  void etcdHoldsTheMergedValueWithItsTombstonesAndClientsSeeItWithout() throws Exception {
    EtcdKvStore a = store();
    a.cas(key, put("x", "1"));
    a.cas(key, put("y", "2"));

    a.cas(key, LwwMapCodec.remove("x"));

    assertThat(LwwMapCodec.strings(a.get(key))).isEqualTo(Map.of("y", "2"));
    assertThat(LwwMapCodec.decode(a.storedValue(key)).get("x").deleted()).as("x's tombstone in etcd").isTrue();
    // The tombstone is stamped with the store's clock, so a write stamped before it cannot undo it.
    a.cas(key, LwwMapCodec.put("x", "stale", clock.millis() - 1));
    assertThat(LwwMapCodec.strings(a.get(key))).isEqualTo(Map.of("y", "2"));
  }

  @Test
  void tombstonesOlderThanTheRetentionAreDroppedOnTheNextWrite() throws Exception {
    EtcdKvStore a = store();
    a.cas(key, put("x", "1"));
    a.cas(key, LwwMapCodec.remove("x"));
    assertThat(LwwMapCodec.decode(a.storedValue(key))).containsKey("x");

    clock.advance(RETENTION.plusSeconds(1));
    a.cas(key, put("y", "2"));

    assertThat(LwwMapCodec.decode(a.storedValue(key))).containsOnlyKeys("y");
  }

  @Test
  void aKeyWithoutCodecIsRefused() throws Exception {
    EtcdKvStore a = store();
    assertThatThrownBy(() -> a.cas("unknown", put("x", "1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"unknown\"");
    assertThatThrownBy(() -> a.get("unknown")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> a.watch("unknown", v -> {})).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aWatchSurvivesAnEtcdRestart() throws Exception {
    EtcdKvStore a = store();
    List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
    a.cas(key, put("v", "before"));
    AutoCloseable watch = a.watch(key, v -> seen.add(LwwMapCodec.strings(v)));
    Poll.until("the first value", WAIT, () -> seen.contains(Map.of("v", "before")));

    etcd.stop();
    etcd.start();
    clock.advance(Duration.ofMillis(1));
    EtcdKvStore writer = store();
    writer.cas(key, put("v", "after"));

    Poll.until("the watcher to see the write made after the restart", Duration.ofSeconds(90),
        () -> seen.contains(Map.of("v", "after")));
    watch.close();
  }

  @Test
  void startFailsWhenEtcdCannotBeReached() {
    int nobody = FreePorts.take(1)[0];
    EtcdKvStore s = new EtcdKvStore(EtcdConfig.defaults(List.of("http://127.0.0.1:" + nobody))
        .withDialTimeout(Duration.ofSeconds(2)), k -> new LwwMapCodec(), clock, RETENTION);
    stores.add(s);
    assertThatThrownBy(s::start).isInstanceOf(UncheckedIOException.class).hasMessageContaining("127.0.0.1:" + nobody);
    assertThat(s.state()).isEqualTo(Service.State.FAILED);
  }

  @Test
  void badSettingsAreRefusedNamingTheFlag() {
    assertThatThrownBy(() -> EtcdConfig.defaults(List.of("127.0.0.1:2379")))
        .hasMessageContaining("-etcd.endpoints").hasMessageContaining("127.0.0.1:2379");
    assertThatThrownBy(() -> EtcdConfig.defaults(List.of("http://x:1")).withMaxRetries(0))
        .hasMessageContaining("-etcd.max-retries").hasMessageContaining("got 0");
  }
}
