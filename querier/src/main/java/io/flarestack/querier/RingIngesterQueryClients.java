package io.flarestack.querier;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.ingester.v1.IngesterServiceGrpc.IngesterServiceBlockingStub;
import io.flarestack.common.client.ClientPool;
import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.common.ring.Operation;
import io.flarestack.common.ring.Ring;
import java.util.ArrayList;
import java.util.List;

/**
 * Every healthy ingester of the ring, for reads. With replication factor 1 each ingester holds
 * distinct data, so all of them are needed; replica de-duplication for larger factors comes with
 * the microservices mode. Thread-safe.
 */
public final class RingIngesterQueryClients implements IngesterQueryClients {
  private final Ring ring;
  private final ClientPool<IngesterServiceBlockingStub> clients;

  public RingIngesterQueryClients(Ring ring, ClientPool<IngesterServiceBlockingStub> clients) {
    this.ring = requireNonNull(ring, "ring is null");
    this.clients = requireNonNull(clients, "clients is null");
  }

  @Override
  public List<IngesterServiceBlockingStub> forRead() {
    List<IngesterServiceBlockingStub> out = new ArrayList<>();
    for (InstanceDesc instance : ring.getAllHealthy(Operation.READ).instances()) {
      out.add(clients.get(instance.getAddr()));
    }
    return out;
  }
}
