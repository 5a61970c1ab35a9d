package io.flarestack.common.ring.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryKvStoreTest extends AbstractKvStoreContractTest {
  @Override
  protected KvStore createStore() {
    return new InMemoryKvStore();
  }

  @Test
  void listenerMayWriteToTheStoreItWatches() {
    List<String> seen = new ArrayList<>();
    store().watch("k", value -> {
      seen.add(text(value));
      if ("ping".equals(text(value))) {
        store().cas("k", current -> bytes("pong")); // delivered after this call returns, not nested
      }
    });

    store().cas("k", current -> bytes("ping"));

    assertThat(seen).containsExactly(null, "ping", "pong");
    assertThat(text(store().get("k"))).isEqualTo("pong");
  }

  @Test
  void failingListenerDoesNotStopOtherDeliveries() {
    List<String> seen = new ArrayList<>();
    store().watch("k", value -> {
      throw new IllegalStateException("listener bug");
    });
    store().watch("k", value -> seen.add(text(value)));

    store().cas("k", current -> bytes("v"));

    assertThat(seen).containsExactly(null, "v");
  }
}
