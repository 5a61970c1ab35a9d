package io.flarestack.kv.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.lifecycle.Service;
import io.flarestack.common.testing.Poll;
import io.flarestack.kv.testing.FreePorts;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link EtcdKvStore} against a real etcd started by the test on free loopback ports. */
class EtcdKvStoreTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  static Path dir;
  private static EtcdServer etcd;

  private final List<EtcdKvStore> stores = new ArrayList<>();
  private final String key = "ring-" + System.nanoTime();

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
    EtcdKvStore s = new EtcdKvStore(config);
    stores.add(s);
    s.start();
    return s;
  }

  private EtcdKvStore store() throws Exception {
    return store(EtcdConfig.defaults(List.of(etcd.endpoint())));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String str(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void casCreatesAndUpdatesAndGetReadsWhatAnotherClientWrote() throws Exception {
    EtcdKvStore a = store();
    EtcdKvStore b = store();
    assertThat(a.get(key)).isNull();

    a.cas(key, old -> {
      assertThat(old).isNull();
      return utf8("one");
    });
    b.cas(key, old -> utf8(str(old) + "+two"));
    a.cas(key, old -> null); // no change

    assertThat(str(a.get(key))).isEqualTo("one+two");
    byte[] got = b.get(key);
    got[0] = 'X';
    assertThat(str(b.get(key))).as("a returned array is a copy").isEqualTo("one+two");
  }

  @Test
  void concurrentCasFromSeveralClientsLosesNoIncrement() throws Exception {
    EtcdConfig config = EtcdConfig.defaults(List.of(etcd.endpoint())).withMaxRetries(1000);
    List<EtcdKvStore> clients = List.of(store(config), store(config), store(config), store(config));
    ExecutorService pool = Executors.newFixedThreadPool(clients.size());
    try {
      List<Future<?>> done = new ArrayList<>();
      for (EtcdKvStore c : clients) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < 25; i++) {
            c.cas(key, old -> utf8(Integer.toString(old == null ? 1 : Integer.parseInt(str(old)) + 1)));
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(str(clients.get(0).get(key))).isEqualTo("100");
  }

  @Test
  void casGivesUpAfterMaxRetriesOfLostRaces() throws Exception {
    EtcdKvStore a = store(EtcdConfig.defaults(List.of(etcd.endpoint())).withMaxRetries(3));
    EtcdKvStore rival = store();
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(() -> a.cas(key, old -> {
      calls.incrementAndGet();
      rival.cas(key, v -> utf8("rival-" + calls.get())); // deliberately changes the key under a's feet
      return utf8("mine");
    })).isInstanceOf(UncheckedIOException.class).hasMessageContaining("-etcd.max-retries");

    assertThat(calls).hasValue(3);
    assertThat(str(a.get(key))).isEqualTo("rival-3");
  }

  @Test
  void watchDeliversTheCurrentValueThenEveryChangeUntilClosed() throws Exception {
    EtcdKvStore a = store();
    EtcdKvStore writer = store();
    writer.cas(key, old -> utf8("v0"));
    List<String> seen = new CopyOnWriteArrayList<>();

    AutoCloseable watch = a.watch(key, v -> seen.add(str(v)));
    for (int i = 1; i <= 5; i++) {
      String v = "v" + i;
      writer.cas(key, old -> utf8(v));
    }

    Poll.until("the watcher to see v5", WAIT, () -> seen.isEmpty() ? null : seen.get(seen.size() - 1), "v5"::equals);
    assertThat(seen.get(0)).isEqualTo("v0");
    assertThat(seen).as("in order, never older than a value already seen").isSortedAccordingTo(String::compareTo);
    watch.close();
    int before = seen.size();
    writer.cas(key, old -> utf8("v6"));
    EtcdKvStore probe = store();
    List<String> other = new CopyOnWriteArrayList<>();
    AutoCloseable second = probe.watch(key, v -> other.add(str(v)));
    Poll.until("another watcher to see v6", WAIT, () -> other.contains("v6"));
    second.close();
    assertThat(seen).as("no delivery after close").hasSize(before);
  }

  @Test
  void aWatchSurvivesAnEtcdRestart() throws Exception {
    EtcdKvStore a = store();
    List<String> seen = new CopyOnWriteArrayList<>();
    a.cas(key, old -> utf8("before"));
    AutoCloseable watch = a.watch(key, v -> seen.add(str(v)));
    Poll.until("the first value", WAIT, () -> seen.contains("before"));

    etcd.stop();
    etcd.start();
    EtcdKvStore writer = store();
    writer.cas(key, old -> utf8("after"));

    Poll.until("the watcher to see the write made after the restart", Duration.ofSeconds(90),
        () -> seen.contains("after"));
    watch.close();
  }

  @Test
  void startFailsWhenEtcdCannotBeReached() {
    int nobody = FreePorts.take(1)[0];
    EtcdKvStore s = new EtcdKvStore(EtcdConfig.defaults(List.of("http://127.0.0.1:" + nobody))
        .withDialTimeout(Duration.ofSeconds(2)));
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
