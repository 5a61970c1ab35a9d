package io.flarestack.kv.etcd;

import io.flarestack.common.ring.RingMerge;
import io.flarestack.common.ring.kv.KvStore;
import io.flarestack.common.ring.kv.KvStoreContractTest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KV contract for {@code etcd}: {@code n} {@link EtcdKvStore} clients of one real etcd server
 * (started once for the class on free loopback ports), each storing every key through
 * {@link RingMerge} with the default settings, as the server runs them.
 */
class EtcdKvStoreContractTest extends KvStoreContractTest {
  @TempDir
  static Path dir;
  private static EtcdServer etcd;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = new EtcdServer(dir).start();
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    etcd.close();
  }

  @Override
  protected List<KvStore> cluster(int nodes) throws Exception {
    List<KvStore> stores = new ArrayList<>();
    try {
      for (int i = 0; i < nodes; i++) {
        EtcdKvStore store = new EtcdKvStore(EtcdConfig.defaults(List.of(etcd.endpoint())), key -> new RingMerge(),
            Clock.systemUTC(), Duration.ofMinutes(5));
        stores.add(store);
        store.start();
      }
    } catch (Exception | Error e) {
      closeCluster(stores);
      throw e;
    }
    return stores;
  }

  @Override
  protected void closeCluster(List<KvStore> stores) {
    stores.forEach(s -> ((EtcdKvStore) s).stop());
  }
}
