package io.flarestack.querier;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.ingester.v1.IngesterServiceGrpc.IngesterServiceBlockingStub;
import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.common.client.ClientPool;
import io.flarestack.common.ring.Operation;
import io.flarestack.common.ring.Ring;
import io.flarestack.common.ring.ReplicationSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Every healthy ingester of the ring, for reads. With replication factor 1 each ingester holds
 * distinct data and all of them are needed; with a larger factor a read tolerates as many
 * failures as the ring allows (dskit's rule: with RF 3, one) and the querier de-duplicates the
 * replicas. Thread-safe.
 */
public final class RingIngesterQueryClients implements IngesterQueryClients {
  private final Ring ring;
  private final ClientPool<IngesterServiceBlockingStub> clients;

  public RingIngesterQueryClients(Ring ring, ClientPool<IngesterServiceBlockingStub> clients) {
    this.ring = requireNonNull(ring, "ring is null");
    this.clients = requireNonNull(clients, "clients is null");
  }

  @Override
  public ReadSet forRead() {
    boolean replicated = ring.replicationFactor() > 1;
    ReplicationSet set = replicated ? ring.getReplicationSetForOperation(Operation.READ) : ring.getAllHealthy(Operation.READ);
    List<IngesterServiceBlockingStub> out = new ArrayList<>();
    for (InstanceDesc instance : set.instances()) {
      out.add(clients.get(instance.getAddr()));
    }
    // A zone-aware set tolerates whole zones; counting instances, k failures lie in at most k
    // zones, so tolerating maxUnavailableZones instances is safe (if stricter than dskit).
    return new ReadSet(out, Math.max(set.maxErrors(), set.maxUnavailableZones()), replicated);
  }
}
