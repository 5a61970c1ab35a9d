package io.flarestack.common.ring.kv;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What only the in-memory store does: deliveries on the writing thread, and its opaque mode (no
 * codec, values stored as given) that ring tests use. The behaviour every backend shares is
 * {@link KvStoreContractTest} ({@link InMemoryKvStoreClusterTest}).
 */
class InMemoryKvStoreTest {
  private final InMemoryKvStore store = new InMemoryKvStore();

  private InMemoryKvStore store() {
    return store;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private static String text(byte[] b) {
    return b == null ? null : new String(b, UTF_8);
  }

  @Test
  void opaqueValuesAreStoredAsGivenAndUpdatesSeeTheCurrentOne() {
    List<String> seen = new ArrayList<>();

    store.cas("k", current -> {
      seen.add(text(current));
      return bytes("one");
    });
    store.cas("k", current -> {
      seen.add(text(current));
      return bytes(text(current) + "+two");
    });
    store.cas("k", current -> bytes("one")); // an opaque store has no merge: the older value wins back

    assertThat(seen).containsExactly(null, "one");
    assertThat(text(store.get("k"))).isEqualTo("one");
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
