package io.flarestack.common.ring.kv;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link KvStore#watch} registration of {@link InMemoryKvStore}: coalesces offered values to
 * the newest and delivers them one at a time, on whichever offering thread finds no delivery in
 * progress (a work-in-progress counter, so no thread ever waits for another). Thread-safe.
 */
final class KvWatcher {
  private static final Logger log = LoggerFactory.getLogger(KvWatcher.class);

  private final String key;
  private final Consumer<byte[]> listener;
  private final AtomicReference<InMemoryKvStore.Versioned> latest = new AtomicReference<>();
  private final AtomicInteger pending = new AtomicInteger();
  private volatile boolean closed;
  private long deliveredVersion = -1; // only touched by the delivering thread

  KvWatcher(String key, Consumer<byte[]> listener) {
    this.key = key;
    this.listener = listener;
  }

  void offer(InMemoryKvStore.Versioned value) {
    latest.accumulateAndGet(value, (a, b) -> a == null || b.version() > a.version() ? b : a);
    if (pending.getAndIncrement() != 0) {
      return; // the thread delivering now will see the new value before it stops
    }
    int missed = 1;
    do {
      InMemoryKvStore.Versioned v = latest.get();
      if (!closed && v.version() > deliveredVersion) {
        deliveredVersion = v.version();
        try {
          listener.accept(InMemoryKvStore.copy(v.visible()));
        } catch (RuntimeException e) {
          log.warn("watcher of key {} failed", key, e);
        }
      }
      missed = pending.addAndGet(-missed);
    } while (missed != 0);
  }

  void close() {
    closed = true;
  }
}
