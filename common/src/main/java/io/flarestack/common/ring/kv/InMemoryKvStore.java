package io.flarestack.common.ring.kv;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A {@link KvStore} in this process's memory: the backend for {@code -target=all} and for tests.
 * Writes are optimistic compare-and-set on an immutable versioned entry, so concurrent
 * {@link #cas} calls retry instead of blocking each other. Watchers are notified on the thread
 * that made the change (and the initial value on the thread calling {@link #watch}), outside any
 * lock; a listener may itself write to the store. Thread-safe.
 *
 * <p>Built with a {@link MergeableCodec}, the store keeps every key as a replicated backend does:
 * the value an update returns is merged into the stored one as a local update (what it removed
 * becomes a tombstone stamped by the clock, a stale entry is ignored, and a merge that changes
 * nothing is no write), and readers and watchers see the value without tombstones. Tombstones
 * older than the retention are dropped on the next write of their key. Without a codec, values
 * are opaque bytes stored as given.
 */
public final class InMemoryKvStore implements KvStore {
  private static final Versioned ABSENT = new Versioned(null, null, 0);

  private final MergeableCodec codec; // null: opaque values
  private final Clock clock;
  private final Duration tombstoneRetention;
  private final ConcurrentMap<String, Versioned> entries = new ConcurrentHashMap<>();
  private final KeyWatchers watchers = new KeyWatchers();

  /** A store of opaque values. */
  public InMemoryKvStore() {
    this.codec = null;
    this.clock = null;
    this.tombstoneRetention = null;
  }

  /**
   * A store that merges every write with {@code codec}, as the {@code memberlist} backend does.
   *
   * @param clock stamps tombstones
   * @param tombstoneRetention how long a tombstone is kept ({@code -memberlist.left-ingesters-timeout}, 5m)
   */
  public InMemoryKvStore(MergeableCodec codec, Clock clock, Duration tombstoneRetention) {
    this.codec = requireNonNull(codec, "codec is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.tombstoneRetention = requireNonNull(tombstoneRetention, "tombstoneRetention is null");
    if (tombstoneRetention.isNegative()) {
      throw new IllegalArgumentException("tombstone retention must not be negative, got " + tombstoneRetention);
    }
  }

  @Override
  public byte[] get(String key) {
    requireNonNull(key, "key is null");
    return copy(entries.getOrDefault(key, ABSENT).visible());
  }

  @Override
  public void cas(String key, UnaryOperator<byte[]> update) {
    requireNonNull(key, "key is null");
    requireNonNull(update, "update is null");
    while (true) {
      Versioned current = entries.get(key);
      Versioned base = current == null ? ABSENT : current;
      byte[] next = update.apply(copy(base.visible()));
      if (next == null) {
        return;
      }
      Versioned written = next(base, next);
      if (written == null) {
        return; // the merge found nothing new
      }
      boolean won = current == null ? entries.putIfAbsent(key, written) == null : entries.replace(key, current, written);
      if (won) {
        notifyWatchers(key, written);
        return;
      }
    }
  }

  /** The entry after writing {@code next} over {@code base}; null when that changes nothing. */
  private Versioned next(Versioned base, byte[] next) {
    if (codec == null) {
      byte[] value = copy(next);
      return new Versioned(value, value, base.version() + 1);
    }
    long now = clock.millis();
    MergeableCodec.Merge merge = codec.merge(base.stored(), next, true, now);
    if (merge == null) {
      return null;
    }
    byte[] stored = codec.expireTombstones(merge.value(), now - tombstoneRetention.toMillis());
    return new Versioned(stored, codec.visible(stored), base.version() + 1);
  }

  @Override
  public AutoCloseable watch(String key, Consumer<byte[]> listener) {
    requireNonNull(key, "key is null");
    return watchers.add(key, listener, () -> watched(entries.getOrDefault(key, ABSENT)), null);
  }

  private void notifyWatchers(String key, Versioned written) {
    watchers.offer(key, watched(written));
  }

  private static KeyWatchers.Versioned watched(Versioned v) {
    return new KeyWatchers.Versioned(v.visible(), v.version());
  }

  private static byte[] copy(byte[] value) {
    return value == null ? null : value.clone();
  }

  /**
   * An immutable value with its per-key version; version 0 means "never written".
   *
   * @param stored what the store keeps (with tombstones, when merging)
   * @param visible what readers see
   */
  record Versioned(byte[] stored, byte[] visible, long version) {}
}
