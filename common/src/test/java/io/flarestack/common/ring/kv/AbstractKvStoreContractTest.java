package io.flarestack.common.ring.kv;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link KvStore} must have. Each backend's test extends this class and
 * supplies a store; the suite ships in the common test-jar so backends in other modules (etcd,
 * memberlist) run the same checks against their real servers. Keys are unique per test, so a
 * backend may share one server between tests.
 */
public abstract class AbstractKvStoreContractTest {
  /** How long any asynchronous delivery may take before a test fails. */
  protected static final Duration DEADLINE = Duration.ofSeconds(10);

  private KvStore store;
  private String key;

  /** A fresh store (or a client to a shared server) for one test. */
  protected abstract KvStore createStore() throws Exception;

  /** Releases what {@link #createStore()} acquired; the default does nothing. */
  protected void closeStore(KvStore store) throws Exception {}

  @BeforeEach
  final void setUpStore() throws Exception {
    store = createStore();
    key = "contract/" + UUID.randomUUID();
  }

  @AfterEach
  final void tearDownStore() throws Exception {
    closeStore(store);
  }

  @Test
  void absentKeyReadsAsNull() {
    assertThat(store.get(key)).isNull();
  }

  @Test
  void casCreatesThenUpdatesFromTheCurrentValue() {
    List<String> seen = new ArrayList<>();

    store.cas(key, current -> {
      seen.add(text(current));
      return bytes("one");
    });
    store.cas(key, current -> {
      seen.add(text(current));
      return bytes(text(current) + "+two");
    });

    assertThat(text(store.get(key))).isEqualTo("one+two");
    assertThat(seen).containsExactly(null, "one");
  }

  @Test
  void casReturningNullLeavesTheValueAlone() {
    store.cas(key, current -> bytes("kept"));

    store.cas(key, current -> null);

    assertThat(text(store.get(key))).isEqualTo("kept");
  }

  @Test
  void casReturningNullOnAnAbsentKeyCreatesNothing() {
    store.cas(key, current -> null);

    assertThat(store.get(key)).isNull();
  }

  @Test
  void failingUpdatePropagatesAndLeavesTheValueAlone() {
    store.cas(key, current -> bytes("before"));

    assertThatThrownBy(() -> store.cas(key, current -> {
      throw new IllegalStateException("boom");
    })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
    assertThat(text(store.get(key))).isEqualTo("before");
  }

  @Test
  void keysAreIndependent() {
    String other = key + "-other";

    store.cas(key, current -> bytes("a"));
    store.cas(other, current -> bytes("b"));

    assertThat(text(store.get(key))).isEqualTo("a");
    assertThat(text(store.get(other))).isEqualTo("b");
  }

  @Test
  void arraysAreNeverSharedWithTheStore() {
    byte[] written = bytes("abc");
    store.cas(key, current -> written);
    written[0] = 'X';

    byte[] read = store.get(key);
    read[1] = 'Y';
    store.cas(key, current -> {
      current[2] = 'Z'; // scribbling on the argument must not leak either
      return null;
    });

    assertThat(text(store.get(key))).isEqualTo("abc");
  }

  @Test
  void concurrentCasFromSeveralThreadsLosesNoUpdate() throws Exception {
    int threads = 4;
    int incrementsPerThread = 250;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < incrementsPerThread; i++) {
            store.cas(key, current -> counter(decode(current) + 1));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(decode(store.get(key))).isEqualTo((long) threads * incrementsPerThread);
  }

  @Test
  void watchDeliversTheCurrentValueThenEveryChange() throws Exception {
    store.cas(key, current -> bytes("v1"));
    Recorder recorder = new Recorder();

    AutoCloseable watch = store.watch(key, recorder);
    try {
      recorder.await("v1");
      store.cas(key, current -> bytes("v2"));
      recorder.await("v2");
      store.cas(key, current -> bytes("v3"));
      recorder.await("v3");
    } finally {
      watch.close();
    }

    assertThat(recorder.values()).containsExactly("v1", "v2", "v3");
  }

  @Test
  void watchOfAnAbsentKeyDeliversNullFirst() throws Exception {
    Recorder recorder = new Recorder();

    AutoCloseable watch = store.watch(key, recorder);
    try {
      assertThat(recorder.next()).isEmpty();
      store.cas(key, current -> bytes("created"));
      recorder.await("created");
    } finally {
      watch.close();
    }
  }

  @Test
  void watchedValuesNeverGoBackwardsUnderConcurrentWriters() throws Exception {
    List<Long> delivered = new ArrayList<>();
    long total = 400;
    CountDownLatch sawLast = new CountDownLatch(1);
    Consumer<byte[]> listener = value -> {
      long n = decode(value);
      synchronized (delivered) {
        delivered.add(n);
      }
      if (n == total) {
        sawLast.countDown();
      }
    };
    ExecutorService pool = Executors.newFixedThreadPool(4);
    AutoCloseable watch = store.watch(key, listener);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        futures.add(pool.submit(() -> {
          for (int i = 0; i < total / 4; i++) {
            store.cas(key, current -> counter(decode(current) + 1));
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      }
      assertThat(sawLast.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).as("the final value was delivered").isTrue();
    } finally {
      watch.close();
      pool.shutdownNow();
    }

    synchronized (delivered) {
      assertThat(delivered).isSorted().doesNotHaveDuplicates().endsWith(total);
    }
  }

  @Test
  void closedWatchReceivesNothingMore() throws Exception {
    store.cas(key, current -> bytes("before"));
    Recorder closed = new Recorder();
    Recorder open = new Recorder();
    AutoCloseable closedWatch = store.watch(key, closed);
    AutoCloseable openWatch = store.watch(key, open);
    try {
      closed.await("before");
      open.await("before");

      closedWatch.close();
      store.cas(key, current -> bytes("after"));
      // Once a live watcher has seen the change, a closed one that was going to see it would have.
      open.await("after");
    } finally {
      openWatch.close();
    }

    assertThat(closed.values()).containsExactly("before");
  }

  @Test
  void closingAWatchTwiceIsHarmless() throws Exception {
    AutoCloseable watch = store.watch(key, value -> {});

    watch.close();
    watch.close();
  }

  /** The store under test, for subclasses adding backend-specific checks. */
  protected final KvStore store() {
    return store;
  }

  protected static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  protected static String text(byte[] b) {
    return b == null ? null : new String(b, UTF_8);
  }

  private static byte[] counter(long n) {
    return ByteBuffer.allocate(Long.BYTES).putLong(n).array();
  }

  private static long decode(byte[] b) {
    return b == null ? 0 : ByteBuffer.wrap(b).getLong();
  }

  /** Records deliveries as text and lets a test wait for a particular one. */
  protected static final class Recorder implements Consumer<byte[]> {
    private final BlockingQueue<Optional<String>> queue = new LinkedBlockingQueue<>();
    private final List<String> values = new ArrayList<>();
    private final AtomicInteger deliveries = new AtomicInteger();

    @Override
    public void accept(byte[] value) {
      synchronized (values) {
        values.add(text(value));
      }
      deliveries.incrementAndGet();
      queue.add(Optional.ofNullable(text(value)));
    }

    /** The next delivery; empty for a null value. */
    public Optional<String> next() throws InterruptedException, TimeoutException {
      Optional<String> v = queue.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      if (v == null) {
        throw new TimeoutException("no value delivered within " + DEADLINE);
      }
      return v;
    }

    /** Waits until {@code expected} is delivered, skipping earlier deliveries. */
    public void await(String expected) throws InterruptedException, TimeoutException {
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (true) {
        Optional<String> v = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (v == null) {
          throw new TimeoutException("value " + expected + " not delivered within " + DEADLINE + "; got " + values());
        }
        if (v.isPresent() && v.get().equals(expected)) {
          return;
        }
      }
    }

    public List<String> values() {
      synchronized (values) {
        return new ArrayList<>(values);
      }
    }
  }
}
