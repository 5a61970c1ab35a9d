package io.flarestack.common.ring.kv;

/**
 * How a replicated KV backend merges the values of one key written on different nodes: a
 * state-based CRDT, as dskit's {@code Mergeable}. Every ring backend stores every key through one
 * of these: the gossiping one ({@code memberlist}) to converge, and the ones that serialise writes
 * ({@code inmemory}, {@code etcd}, merging inside their compare-and-set) so that removals become
 * tombstones and a stale write cannot undo a newer one there either.
 *
 * <p>{@code merge} with {@code localCas=false} must be idempotent, commutative and associative, so
 * every node converges on the same value whatever order changes arrive in. {@code localCas=true}
 * is the one non-commutative step: {@code incoming} is the result of a local update of
 * {@code current}, and what the update removed becomes a tombstone stamped {@code nowMillis}, so a
 * stale copy still travelling between peers cannot bring it back.
 *
 * <p>Implementations are stateless and thread-safe. Arrays passed in are not modified; arrays
 * returned are new.
 */
public interface MergeableCodec {
  /**
   * Merges {@code incoming} into {@code current}.
   *
   * @param current the stored value, or null when the key is absent
   * @param incoming a value received from a peer, or (with {@code localCas}) a local update's result
   * @param localCas whether {@code incoming} is the result of a local update of {@code current}
   * @param nowMillis the time tombstones made by a local update are stamped with
   * @return the merged value and the change to send to peers (only the parts that changed), or
   *     null when {@code incoming} changes nothing
   * @throws java.io.UncheckedIOException when a value does not decode
   */
  Merge merge(byte[] current, byte[] incoming, boolean localCas, long nowMillis);

  /** {@code value} as KV clients see it, without tombstones; null stays null. */
  byte[] visible(byte[] value);

  /**
   * {@code value} without the tombstones stamped before {@code cutoffMillis}
   * ({@code -memberlist.left-ingesters-timeout} ago); null stays null.
   */
  byte[] expireTombstones(byte[] value, long cutoffMillis);

  /**
   * A merge's outcome.
   *
   * @param value the new stored value
   * @param change the part of it that changed, what a gossiping backend broadcasts
   */
  record Merge(byte[] value, byte[] change) {}
}
