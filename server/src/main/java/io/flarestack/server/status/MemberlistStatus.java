package io.flarestack.server.status;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * What the {@code /memberlist} page shows of the gossip cluster this process belongs to: its
 * members and the KV keys it gossips. Implemented by the memberlist KV backend. Implementations
 * are thread-safe and answer from memory (the page calls them on every request).
 */
public interface MemberlistStatus {
  /**
   * One cluster member as this process sees it.
   *
   * @param name the member's node name
   * @param address where it gossips, {@code host:port}
   * @param state Alive, Suspect, Dead or Left, as memberlist names them
   */
  record Member(String name, String address, String state) {
    public Member {
      requireNonNull(name, "name is null");
      requireNonNull(address, "address is null");
      requireNonNull(state, "state is null");
    }
  }

  /**
   * One gossiped key.
   *
   * @param key the KV key, e.g. {@code ring}
   * @param version the local version, incremented on every change
   * @param sizeBytes the encoded value's size
   * @param updated when the value last changed here
   */
  record Key(String key, long version, long sizeBytes, Instant updated) {
    public Key {
      requireNonNull(key, "key is null");
      requireNonNull(updated, "updated is null");
    }
  }

  /** The known members, this process included; never null. */
  List<Member> members();

  /** The keys held locally; never null. */
  List<Key> keys();
}
