package io.flarestack.common.ring;

import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.api.ring.v1.InstanceState;
import io.flarestack.api.ring.v1.RingDesc;
import io.flarestack.common.ring.kv.KvStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Writes ring entries straight into a KV store, and the expected owners of a token. */
final class RingFixtures {
  private RingFixtures() {}

  static void put(KvStore kv, String key, String id, InstanceState state, long heartbeatSeconds, int... tokens) {
    putZoned(kv, key, id, "", state, heartbeatSeconds, tokens);
  }

  /** An entry in availability zone {@code zone}. */
  static void putZoned(KvStore kv, String key, String id, String zone, InstanceState state, long heartbeatSeconds,
      int... tokens) {
    InstanceDesc.Builder b = InstanceDesc.newBuilder().setId(id).setAddr(id + ":9095").setZone(zone).setState(state)
        .setTimestamp(heartbeatSeconds).setRegisteredTimestamp(heartbeatSeconds);
    for (int t : tokens) {
      b.addTokens(t);
    }
    InstanceDesc instance = b.build();
    kv.cas(key, current -> {
      try {
        RingDesc ring = current == null ? RingDesc.getDefaultInstance() : RingDesc.parseFrom(current);
        return ring.toBuilder().putInstances(id, instance).build().toByteArray();
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /**
   * The first {@code rf} distinct owners clockwise from {@code token}, computed the slow, obvious
   * way: list every (token, id) pair, sort by unsigned token, start after the key, wrap around.
   */
  static List<String> expectedOwners(List<InstanceDesc> instances, int token, int rf) {
    record Owned(long token, String id) {}
    List<Owned> all = new ArrayList<>();
    for (InstanceDesc i : instances) {
      for (int t : i.getTokensList()) {
        all.add(new Owned(Integer.toUnsignedLong(t), i.getId()));
      }
    }
    all.sort(Comparator.comparingLong(Owned::token).thenComparing(Owned::id));
    long key = Integer.toUnsignedLong(token);
    int start = 0;
    while (start < all.size() && all.get(start).token() <= key) {
      start++;
    }
    List<String> owners = new ArrayList<>();
    for (int i = 0; i < all.size() && owners.size() < rf; i++) {
      String id = all.get((start + i) % all.size()).id();
      if (!owners.contains(id)) {
        owners.add(id);
      }
    }
    return owners;
  }
}
