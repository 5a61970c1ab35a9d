package io.flarestack.server.cluster;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.api.storegateway.v1.StoreGatewayServiceGrpc.StoreGatewayServiceBlockingStub;
import io.flarestack.common.client.ClientPool;
import io.flarestack.common.ring.Operation;
import io.flarestack.common.ring.Ring;
import io.flarestack.querier.StoreGatewayQueryClients;
import java.util.ArrayList;
import java.util.List;

/**
 * The store-gateways a query reads blocks from: every healthy one in the store-gateway ring (the
 * querier plans which of them reads which block, preferring each block's owners). An empty ring
 * means no store-gateway runs: reads go to the ingesters only. Thread-safe.
 */
public final class RingStoreGatewayClients implements StoreGatewayQueryClients {
  private final Ring ring;
  private final ClientPool<StoreGatewayServiceBlockingStub> clients;

  public RingStoreGatewayClients(Ring ring, ClientPool<StoreGatewayServiceBlockingStub> clients) {
    this.ring = requireNonNull(ring, "ring is null");
    this.clients = requireNonNull(clients, "clients is null");
  }

  @Override
  public List<StoreGatewayServiceBlockingStub> forRead() {
    if (ring.instances().isEmpty()) {
      return List.of();
    }
    List<StoreGatewayServiceBlockingStub> out = new ArrayList<>();
    for (InstanceDesc instance : ring.getAllHealthy(Operation.READ).instances()) {
      out.add(clients.get(instance.getAddr()));
    }
    return out;
  }
}
