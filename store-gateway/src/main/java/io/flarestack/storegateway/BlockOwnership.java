package io.flarestack.storegateway;

/**
 * Which blocks a store-gateway owns: with several store-gateways, the store-gateway ring shards
 * the blocks (each owned by {@code -store-gateway.sharding-ring.replication-factor} of them), so
 * each keeps the headers of its share only and queriers spread reads. Ownership is a preference,
 * not a wall: any store-gateway can read any block, so a querier still gets every block while an
 * owner is down or the ring changes. Implementations are thread-safe and cheap (called per block
 * per plan).
 */
@FunctionalInterface
public interface BlockOwnership {
  /** Owns every block: a single store-gateway. */
  BlockOwnership ALL = (tenant, blockId) -> true;

  boolean owns(String tenant, String blockId);
}
