package io.flarestack.common.ring.kv;

import io.flarestack.common.ring.RingMerge;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;

/** The in-memory store, merging through {@link RingMerge}, as every node of a one-process cluster. */
class InMemoryKvStoreClusterTest extends KvStoreContractTest {
  @Override
  protected List<KvStore> cluster(int nodes) {
    return Collections.nCopies(nodes, new InMemoryKvStore(new RingMerge(), Clock.systemUTC(), Duration.ofMinutes(5)));
  }
}
