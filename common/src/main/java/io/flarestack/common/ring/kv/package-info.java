/**
 * The ring KV seam: {@link io.flarestack.common.ring.kv.KvStore}, its in-memory backend, and the
 * {@link io.flarestack.common.ring.kv.MergeableCodec} contract a replicated backend stores ring
 * keys through ({@code io.flarestack.common.ring.RingMerge}). Backends prove themselves with two
 * suites from the common test-jar: {@code KvStoreContractTest} (ring values seen from several
 * nodes of one cluster; every backend) and {@code AbstractKvStoreContractTest} (arbitrary byte
 * values; backends that store values as given).
 */
package io.flarestack.common.ring.kv;
