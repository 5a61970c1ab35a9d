/**
 * The ring KV seam: {@link io.flarestack.common.ring.kv.KvStore}, its in-memory backend, and the
 * {@link io.flarestack.common.ring.kv.MergeableCodec} contract a replicated backend stores ring
 * keys through ({@code io.flarestack.common.ring.RingMerge}). Every backend proves itself with the
 * one suite in the common test-jar, {@code KvStoreContractTest}: ring values seen from several
 * nodes of one cluster ({@code inmemory} here, {@code memberlist} and {@code etcd} in the
 * {@code kv} module).
 */
package io.flarestack.common.ring.kv;
