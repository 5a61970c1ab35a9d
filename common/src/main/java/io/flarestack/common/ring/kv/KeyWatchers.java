package io.flarestack.common.ring.kv;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link KvStore#watch} registrations of one backend, keyed by KV
 * key. A backend offers every new value with a version that grows per key; each watcher
 * coalesces offers to the newest and delivers them one at a time, in version order, on whichever
 * offering thread finds no delivery in progress (a work-in-progress counter: no thread waits for
 * another). Thread-safe.
 */
public final class KeyWatchers {
  private static final Logger log = LoggerFactory.getLogger(KeyWatchers.class);

  private final ConcurrentMap<String, List<Watcher>> byKey = new ConcurrentHashMap<>();

  /**
   * A value and its per-key version; version 0 with a null value means "never written".
   *
   * @param value the value as clients see it (not copied: never modify it)
   * @param version grows with every change of the key
   */
  public record Versioned(byte[] value, long version) {}

  /**
   * Registers {@code listener} on {@code key}, then offers it {@code current()} (registered first,
   * offered second, so a change racing with this call is never missed).
   *
   * @param onLast called (once, on the closing thread) when the last watcher of the key is closed;
   *     null for nothing
   */
  public AutoCloseable add(String key, Consumer<byte[]> listener, Supplier<Versioned> current,
      Runnable onLast) {
    requireNonNull(key, "key is null");
    requireNonNull(listener, "listener is null");
    Watcher watcher = new Watcher(key, listener);
    List<Watcher> list = byKey.compute(key, (k, l) -> {
      List<Watcher> out = l == null ? new CopyOnWriteArrayList<>() : l;
      out.add(watcher);
      return out;
    });
    watcher.offer(current.get());
    return () -> {
      if (watcher.closed) {
        return;
      }
      watcher.closed = true;
      boolean[] last = {false};
      byKey.computeIfPresent(key, (k, l) -> {
        l.remove(watcher);
        last[0] = l.isEmpty();
        return l.isEmpty() ? null : l;
      });
      if (last[0] && onLast != null) {
        onLast.run();
      }
    };
  }

  /** Offers a new value of {@code key} to its watchers. */
  public void offer(String key, Versioned value) {
    List<Watcher> list = byKey.get(key);
    if (list != null) {
      for (Watcher w : list) {
        w.offer(value);
      }
    }
  }

  /** Whether anyone watches {@code key}. */
  public boolean watched(String key) {
    return byKey.containsKey(key);
  }

  private static final class Watcher {
    private final String key;
    private final Consumer<byte[]> listener;
    private final AtomicReference<Versioned> latest = new AtomicReference<>();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean closed;
    private long deliveredVersion = -1; // only touched by the delivering thread

    Watcher(String key, Consumer<byte[]> listener) {
      this.key = key;
      this.listener = listener;
    }

    void offer(Versioned value) {
      latest.accumulateAndGet(value, (a, b) -> a == null || b.version() > a.version() ? b : a);
      if (pending.getAndIncrement() != 0) {
        return; // the thread delivering now sees the new value before it stops
      }
      int missed = 1;
      do {
        Versioned v = latest.get();
        if (!closed && v.version() > deliveredVersion) {
          deliveredVersion = v.version();
          try {
            listener.accept(v.value() == null ? null : v.value().clone());
          } catch (RuntimeException e) {
            log.warn("watcher of key {} failed", key, e);
          }
        }
        missed = pending.addAndGet(-missed);
      } while (missed != 0);
    }
  }
}
