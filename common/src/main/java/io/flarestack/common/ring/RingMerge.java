package io.flarestack.common.ring;

import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.api.ring.v1.InstanceState;
import io.flarestack.api.ring.v1.RingDesc;
import io.flarestack.common.ring.kv.MergeableCodec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CRDT merge of ring descriptors ({@code RingDesc}), after dskit's ring {@code Desc}: the
 * {@link MergeableCodec} every ring key is stored through by a replicated KV backend.
 *
 * <p>Per instance, the entry with the later {@code updated_at_millis} wins ({@code timestamp} ×
 * 1000 when that field is 0). On a tie a LEFT tombstone wins over any other state; between two
 * other entries with the same time, a gossip merge keeps the one whose encoding is greater
 * (unsigned bytes), so every node picks the same one, while a local update loses the tie: its
 * writer must stamp a strictly later time, as {@link Lifecycler} does. LEFT entries carry no
 * tokens. A local update ({@code localCas}) that drops an instance turns it into a LEFT tombstone
 * stamped {@code max(nowMillis, its last update)}, so a copy of the old entry still travelling
 * between peers cannot bring it back.
 *
 * <p>The stored value is the plain per-instance join, so merging is idempotent, commutative and
 * associative. Token conflicts (two instances that picked the same token without seeing each
 * other) are resolved in {@link #visible}, deterministically from the merged state: when exactly
 * one of the owners is LEAVING it loses the token, otherwise the lowest instance id keeps it, and
 * the losers' copies of the token are left out. An owner that lost a token sees its entry without
 * it and writes it back so on its next heartbeat.
 *
 * <p>Stateless and thread-safe.
 */
public final class RingMerge implements MergeableCodec {
  public RingMerge() {}

  @Override
  public Merge merge(byte[] current, byte[] incoming, boolean localCas, long nowMillis) {
    Map<String, InstanceDesc> stored = RingCodec.decode(current).getInstancesMap();
    Map<String, InstanceDesc> offered = RingCodec.decode(incoming).getInstancesMap();
    Map<String, InstanceDesc> merged = new TreeMap<>();
    stored.forEach((id, instance) -> merged.put(id, normalise(instance)));
    Map<String, InstanceDesc> changed = new TreeMap<>();
    offered.forEach((id, instance) -> {
      InstanceDesc theirs = normalise(instance);
      InstanceDesc ours = merged.get(id);
      if (ours == null || (wins(theirs, ours, localCas) && !theirs.equals(ours))) {
        merged.put(id, theirs);
        changed.put(id, theirs);
      }
    });
    if (localCas) {
      stored.forEach((id, instance) -> {
        if (!offered.containsKey(id) && instance.getState() != InstanceState.LEFT) {
          InstanceDesc tombstone = tombstone(instance, nowMillis);
          merged.put(id, tombstone);
          changed.put(id, tombstone);
        }
      });
    }
    if (changed.isEmpty()) {
      return null;
    }
    return new Merge(encode(merged), encode(changed));
  }

  @Override
  public byte[] visible(byte[] value) {
    if (value == null) {
      return null;
    }
    Map<String, InstanceDesc> live = new TreeMap<>();
    RingCodec.decode(value).getInstancesMap().forEach((id, instance) -> {
      if (instance.getState() != InstanceState.LEFT) {
        live.put(id, instance);
      }
    });
    return encode(resolveConflicts(live));
  }

  @Override
  public byte[] expireTombstones(byte[] value, long cutoffMillis) {
    if (value == null) {
      return null;
    }
    Map<String, InstanceDesc> kept = new TreeMap<>();
    RingCodec.decode(value).getInstancesMap().forEach((id, instance) -> {
      if (instance.getState() != InstanceState.LEFT || updatedAtMillis(instance) >= cutoffMillis) {
        kept.put(id, instance);
      }
    });
    return encode(kept);
  }

  /** When {@code instance} was last written: {@code updated_at_millis}, else its heartbeat second. */
  static long updatedAtMillis(InstanceDesc instance) {
    long millis = instance.getUpdatedAtMillis();
    return millis != 0 ? millis : instance.getTimestamp() * 1000;
  }

  /** Whether {@code theirs} replaces {@code ours}. */
  private static boolean wins(InstanceDesc theirs, InstanceDesc ours, boolean localCas) {
    long t = updatedAtMillis(theirs);
    long o = updatedAtMillis(ours);
    if (t != o) {
      return t > o;
    }
    boolean theirsLeft = theirs.getState() == InstanceState.LEFT;
    boolean oursLeft = ours.getState() == InstanceState.LEFT;
    if (theirsLeft != oursLeft) {
      return theirsLeft;
    }
    // A local update returns the entries it did not touch as it read them (tokens lost to a
    // conflict already left out): only a later time replaces what is stored.
    return !localCas && Arrays.compareUnsigned(theirs.toByteArray(), ours.toByteArray()) > 0;
  }

  private static InstanceDesc normalise(InstanceDesc instance) {
    return instance.getState() == InstanceState.LEFT && instance.getTokensCount() > 0
        ? instance.toBuilder().clearTokens().build()
        : instance;
  }

  private static InstanceDesc tombstone(InstanceDesc instance, long nowMillis) {
    long stamp = Math.max(nowMillis, updatedAtMillis(instance));
    return instance.toBuilder().setState(InstanceState.LEFT).clearTokens().setUpdatedAtMillis(stamp)
        .setTimestamp(Math.floorDiv(stamp, 1000)).build();
  }

  /** {@code instances} with every token kept by one owner only (see the class comment). */
  static Map<String, InstanceDesc> resolveConflicts(Map<String, InstanceDesc> instances) {
    Map<Integer, String> owner = new HashMap<>();
    boolean conflict = false;
    for (Map.Entry<String, InstanceDesc> e : instances.entrySet()) {
      for (int token : e.getValue().getTokensList()) {
        String previous = owner.putIfAbsent(token, e.getKey());
        if (previous != null && !previous.equals(e.getKey())) {
          conflict = true;
          owner.put(token, keeper(previous, e.getKey(), instances));
        }
      }
    }
    if (!conflict) {
      return instances;
    }
    Map<String, InstanceDesc> resolved = new TreeMap<>();
    instances.forEach((id, instance) -> {
      InstanceDesc.Builder b = instance.toBuilder().clearTokens();
      for (int token : instance.getTokensList()) {
        if (id.equals(owner.get(token))) {
          b.addTokens(token);
        }
      }
      resolved.put(id, b.build());
    });
    return resolved;
  }

  /** The owner that keeps a token both claim: a LEAVING one loses to one that is not, else the lower id wins. */
  private static String keeper(String a, String b, Map<String, InstanceDesc> instances) {
    boolean aLeaving = instances.get(a).getState() == InstanceState.LEAVING;
    boolean bLeaving = instances.get(b).getState() == InstanceState.LEAVING;
    if (aLeaving != bLeaving) {
      return aLeaving ? b : a;
    }
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static byte[] encode(Map<String, InstanceDesc> instances) {
    return RingCodec.encode(RingDesc.newBuilder().putAllInstances(instances).build());
  }
}
