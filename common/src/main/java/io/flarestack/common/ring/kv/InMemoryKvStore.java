package io.flarestack.common.ring.kv;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A {@link KvStore} in this process's memory: the backend for {@code -target=all} and for tests.
 * Writes are optimistic compare-and-set on an immutable versioned entry, so concurrent
 * {@link #cas} calls retry instead of blocking each other. Watchers are notified on the thread
 * that made the change (and the initial value on the thread calling {@link #watch}), outside any
 * lock; a listener may itself write to the store. Thread-safe.
 */
public final class InMemoryKvStore implements KvStore {
  private static final Versioned ABSENT = new Versioned(null, 0);

  private final ConcurrentMap<String, Versioned> entries = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, List<KvWatcher>> watchers = new ConcurrentHashMap<>();

  @Override
  public byte[] get(String key) {
    requireNonNull(key, "key is null");
    return copy(entries.getOrDefault(key, ABSENT).value());
  }

  @Override
  public void cas(String key, UnaryOperator<byte[]> update) {
    requireNonNull(key, "key is null");
    requireNonNull(update, "update is null");
    while (true) {
      Versioned current = entries.get(key);
      Versioned base = current == null ? ABSENT : current;
      byte[] next = update.apply(copy(base.value()));
      if (next == null) {
        return;
      }
      Versioned written = new Versioned(copy(next), base.version() + 1);
      boolean won = current == null ? entries.putIfAbsent(key, written) == null : entries.replace(key, current, written);
      if (won) {
        notifyWatchers(key, written);
        return;
      }
    }
  }

  @Override
  public AutoCloseable watch(String key, Consumer<byte[]> listener) {
    requireNonNull(key, "key is null");
    requireNonNull(listener, "listener is null");
    KvWatcher watcher = new KvWatcher(key, listener);
    List<KvWatcher> list = watchers.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
    list.add(watcher);
    // Registered first, offered second: a write racing with this call is never missed, and the
    // version check drops whichever of the two values is older.
    watcher.offer(entries.getOrDefault(key, ABSENT));
    return () -> {
      watcher.close();
      list.remove(watcher);
    };
  }

  private void notifyWatchers(String key, Versioned written) {
    List<KvWatcher> list = watchers.get(key);
    if (list != null) {
      for (KvWatcher w : list) {
        w.offer(written);
      }
    }
  }

  static byte[] copy(byte[] value) {
    return value == null ? null : value.clone();
  }

  /** An immutable value with its per-key version; version 0 means "never written". */
  record Versioned(byte[] value, long version) {}
}
