package io.flarestack.common.ring.kv;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The key-value store that holds ring state: the one seam between the rings and their backends
 * ({@code inmemory}, {@code memberlist}, {@code etcd}). Values are opaque bytes (the rings store
 * serialized {@code RingDesc}s). Keys are never deleted; a ring writes an empty descriptor instead.
 *
 * <p>Every ring backend ({@code inmemory}, {@code memberlist}, {@code etcd}) stores the ring keys
 * through {@link MergeableCodec} ({@code io.flarestack.common.ring.RingMerge}): the value an
 * update returns is merged into the stored one as a local update, so an entry the update removed
 * becomes a tombstone that a stale write cannot undo, and readers never see tombstones. The
 * {@code KvStoreContractTest} suite in common's test-jar checks this, from several nodes, for
 * every backend.
 *
 * <p>Implementations are thread-safe. Arrays passed in and handed out are never shared with the
 * store: callers may modify them freely.
 */
public interface KvStore {
  /**
   * The current value of {@code key}.
   *
   * @return a copy of the value, or null when the key has never been written
   * @throws java.io.UncheckedIOException when a remote backend cannot be reached
   */
  byte[] get(String key);

  /**
   * Read-modify-write of one key. {@code update} receives the current value (null when absent)
   * and returns the new value, or null to leave the key unchanged. When another writer changed
   * the key in the meantime, {@code update} is called again with the newer value, so it must
   * have no side effects beyond computing its result. Returns once the write took effect.
   *
   * @throws RuntimeException whatever {@code update} throws, with the key unchanged
   * @throws java.io.UncheckedIOException when a remote backend cannot be reached or conflicts
   *     persist beyond the backend's retry budget
   */
  void cas(String key, UnaryOperator<byte[]> update);

  /**
   * Watches {@code key}: {@code listener} receives the current value (null when absent), then a
   * value after every later change. Values arrive in order and never older than one already
   * delivered; when changes come faster than the listener consumes them, intermediate values may
   * be skipped, but the latest one is always delivered. Deliveries to one listener never overlap.
   * The listener must not block for long; exceptions it throws are logged and ignored.
   *
   * @return a handle whose {@code close()} stops deliveries (one already running may finish);
   *     closing never throws
   */
  AutoCloseable watch(String key, Consumer<byte[]> listener);
}
