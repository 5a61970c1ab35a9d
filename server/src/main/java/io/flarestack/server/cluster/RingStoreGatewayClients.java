package io.flarestack.server.cluster;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.api.storegateway.v1.StoreGatewayServiceGrpc.StoreGatewayServiceBlockingStub;
import io.flarestack.common.client.ClientPool;
import io.flarestack.common.ring.Operation;
import io.flarestack.common.ring.Ring;
import io.flarestack.querier.StoreGatewayQueryClients;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The store-gateway a query reads blocks from, found through the store-gateway ring. Every
 * store-gateway serves every block today (blocks are not yet sharded over the ring), so a query
 * asks exactly one healthy store-gateway, taking them in turn; asking several would count every
 * block once per store-gateway. An empty ring means no store-gateway runs: reads go to the
 * ingesters only. Thread-safe.
 */
public final class RingStoreGatewayClients implements StoreGatewayQueryClients {
  private final Ring ring;
  private final ClientPool<StoreGatewayServiceBlockingStub> clients;
  private final AtomicInteger next = new AtomicInteger();

  public RingStoreGatewayClients(Ring ring, ClientPool<StoreGatewayServiceBlockingStub> clients) {
    this.ring = requireNonNull(ring, "ring is null");
    this.clients = requireNonNull(clients, "clients is null");
  }

  @Override
  public List<StoreGatewayServiceBlockingStub> forRead() {
    if (ring.instances().isEmpty()) {
      return List.of();
    }
    List<InstanceDesc> healthy = ring.getAllHealthy(Operation.READ).instances();
    InstanceDesc chosen = healthy.get(Math.floorMod(next.getAndIncrement(), healthy.size()));
    return List.of(clients.get(chosen.getAddr()));
  }
}
