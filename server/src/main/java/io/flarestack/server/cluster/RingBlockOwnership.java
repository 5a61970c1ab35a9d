package io.flarestack.server.cluster;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.ring.Operation;
import io.flarestack.common.ring.Ring;
import io.flarestack.common.ring.RingHash;
import io.flarestack.storegateway.BlockOwnership;

/**
 * Block ownership from the store-gateway ring: a block (hashed with its tenant) belongs to the
 * healthy instances among the replication-factor owners of its token. While the ring cannot name
 * a healthy owner this store-gateway claims nothing; the querier then has any store-gateway read
 * the block. Thread-safe.
 */
public final class RingBlockOwnership implements BlockOwnership {
  private final Ring ring;
  private final String instanceId;

  public RingBlockOwnership(Ring ring, String instanceId) {
    this.ring = requireNonNull(ring, "ring is null");
    this.instanceId = requireNonNull(instanceId, "instanceId is null");
  }

  @Override
  public boolean owns(String tenant, String blockId) {
    try {
      for (InstanceDesc owner : ring.get(RingHash.tokenFor(tenant, blockId), Operation.READ).instances()) {
        if (owner.getId().equals(instanceId)) {
          return true;
        }
      }
      return false;
    } catch (FlarestackException e) {
      return false; // empty ring or no healthy owner: nobody claims the block; any gateway reads it
    }
  }
}
