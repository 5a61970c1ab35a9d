/**
 * The ring KV seam: {@link io.flarestack.common.ring.kv.KvStore} and its in-memory backend.
 * Networked backends (memberlist, etcd) implement the same SPI and run the
 * {@code AbstractKvStoreContractTest} suite from the common test-jar.
 */
package io.flarestack.common.ring.kv;
