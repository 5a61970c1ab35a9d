package io.flarestack.kv.memberlist;

import io.flarestack.common.ring.RingMerge;
import io.flarestack.common.ring.kv.KvStore;
import io.flarestack.common.ring.kv.KvStoreContractTest;
import io.flarestack.common.testing.Poll;
import io.flarestack.kv.testing.FreePorts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The KV contract for {@code memberlist}: {@code n} {@link MemberlistKvStore}s in this JVM, each
 * listing every node in its join list, gossiping over loopback TCP on free ports and storing
 * every key through {@link RingMerge}, as the server runs them. A cluster is handed to a test once
 * every node sees all {@code n} members.
 */
class MemberlistKvStoreContractTest extends KvStoreContractTest {
  @Override
  protected List<KvStore> cluster(int nodes) throws Exception {
    int[] ports = FreePorts.takeWithPartner(nodes, MemberlistConfig.FAILURE_DETECTION_PORT_OFFSET.defaultValue());
    List<String> seeds = new ArrayList<>();
    for (int p : ports) {
      seeds.add("127.0.0.1:" + p);
    }
    List<KvStore> stores = new ArrayList<>();
    try {
      for (int i = 0; i < nodes; i++) {
        MemberlistKvStore store = new MemberlistKvStore(MemberlistConfig.defaults("127.0.0.1", ports[i], seeds)
            .withNodeName("node-" + i, false).withIntervals(Duration.ofMillis(20), Duration.ofMillis(500)),
            key -> new RingMerge(), Clock.systemUTC(), new SimpleMeterRegistry());
        stores.add(store);
        store.start();
      }
      for (KvStore s : stores) {
        MemberlistKvStore m = (MemberlistKvStore) s;
        Poll.until(m.nodeName() + " to see " + nodes + " members", DEADLINE, () -> m.members().size(),
            size -> size == nodes);
      }
    } catch (Exception | Error e) {
      closeCluster(stores);
      throw e;
    }
    return stores;
  }

  /** Newest first, so no node waits out the leave of a coordinator that already left. */
  @Override
  protected void closeCluster(List<KvStore> stores) {
    for (int i = stores.size() - 1; i >= 0; i--) {
      ((MemberlistKvStore) stores.get(i)).stop();
    }
  }
}
