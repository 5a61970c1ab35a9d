package io.flarestack.common.ring;

import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.api.ring.v1.InstanceState;
import io.flarestack.api.ring.v1.RingDesc;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One immutable view of a ring: its instances sorted by id, and every token in unsigned order
 * with the instance that owns it. Rebuilt whenever the KV value changes, so lookups take no
 * lock. Thread-safe.
 */
final class RingSnapshot {
  static final RingSnapshot EMPTY = of(RingDesc.getDefaultInstance());

  private final List<InstanceDesc> instances;
  private final int[] tokens;
  private final int[] owners; // index into instances, per token
  private final List<String> zones; // distinct, sorted; "" for instances without a zone

  private RingSnapshot(List<InstanceDesc> instances, int[] tokens, int[] owners) {
    this.instances = instances;
    this.tokens = tokens;
    this.owners = owners;
    this.zones = instances.stream().map(InstanceDesc::getZone).distinct().sorted().toList();
  }

  static RingSnapshot of(RingDesc ring) {
    List<InstanceDesc> instances = new ArrayList<>(ring.getInstancesMap().values());
    instances.sort(Comparator.comparing(InstanceDesc::getId));
    int total = 0;
    for (InstanceDesc i : instances) {
      total += i.getTokensCount();
    }
    // (token with its sign bit flipped, owner index) packed in a long: a signed sort orders
    // tokens as unsigned values, and equal tokens (a conflict) by instance id.
    long[] packed = new long[total];
    int n = 0;
    for (int owner = 0; owner < instances.size(); owner++) {
      for (int token : instances.get(owner).getTokensList()) {
        packed[n++] = ((long) (token ^ Integer.MIN_VALUE) << 32) | owner;
      }
    }
    Arrays.sort(packed);
    int[] tokens = new int[total];
    int[] owners = new int[total];
    for (int i = 0; i < total; i++) {
      tokens[i] = (int) (packed[i] >> 32) ^ Integer.MIN_VALUE;
      owners[i] = (int) packed[i];
    }
    return new RingSnapshot(List.copyOf(instances), tokens, owners);
  }

  List<InstanceDesc> instances() {
    return instances;
  }

  /** The distinct zones of the instances, sorted; the empty string stands for instances without one. */
  List<String> zones() {
    return zones;
  }

  int tokenCount() {
    return tokens.length;
  }

  /** The position of the first token strictly greater than {@code key} (unsigned), wrapping to 0. */
  int firstTokenAfter(int key) {
    int lo = 0;
    int hi = tokens.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Integer.compareUnsigned(tokens[mid], key) > 0) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo == tokens.length ? 0 : lo;
  }

  /** The index (in {@link #instances()}) of the owner of the token at {@code position}. */
  int ownerAt(int position) {
    return owners[position];
  }

  /** Healthy for {@code op}: a serving state and a heartbeat within {@code heartbeatTimeout}. */
  static boolean isHealthy(InstanceDesc instance, Operation op, Duration heartbeatTimeout, Instant now) {
    return op.isHealthyState(instance.getState()) && isHeartbeatFresh(instance, heartbeatTimeout, now);
  }

  /** Whether the last heartbeat is within the timeout; a zero timeout disables the check. */
  static boolean isHeartbeatFresh(InstanceDesc instance, Duration heartbeatTimeout, Instant now) {
    if (heartbeatTimeout.isZero()) {
      return true;
    }
    return now.toEpochMilli() - instance.getTimestamp() * 1000 <= heartbeatTimeout.toMillis();
  }

  boolean hasHealthyInstance(Duration heartbeatTimeout, Instant now) {
    for (InstanceDesc i : instances) {
      if (i.getState() == InstanceState.ACTIVE && isHeartbeatFresh(i, heartbeatTimeout, now)) {
        return true;
      }
    }
    return false;
  }
}
