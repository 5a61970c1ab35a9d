package io.flarestack.distributor.writepath;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.ingester.v1.IngesterServiceGrpc.IngesterServiceBlockingStub;
import io.flarestack.api.ingester.v1.ProfileSeries;
import io.flarestack.api.ingester.v1.PushRequest;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.common.client.ClientPool;
import io.flarestack.common.model.LabelNames;
import io.flarestack.common.ring.Operation;
import io.flarestack.common.ring.ReplicationSet;
import io.flarestack.common.ring.Ring;
import io.flarestack.common.ring.RingHash;
import io.flarestack.common.tenant.Tenant;
import io.grpc.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Routes pushes over the ingester ring: every series goes to the replication set of its tenant
 * and {@code service_name}, and a write succeeds once a quorum of that set acknowledged it.
 * Routing by service rather than by each series' full label set keeps one service's symbols on
 * few ingesters (Pyroscope v1 copies them onto every ingester); spreading a hot service over
 * more ingesters is a later refinement. Thread-safe.
 */
public final class RingIngesterWriter implements IngesterWriter {
  private final Ring ring;
  private final ClientPool<IngesterServiceBlockingStub> clients;
  private final Executor executor;

  public RingIngesterWriter(Ring ring, ClientPool<IngesterServiceBlockingStub> clients, Executor executor) {
    this.ring = requireNonNull(ring, "ring is null");
    this.clients = requireNonNull(clients, "clients is null");
    this.executor = requireNonNull(executor, "executor is null");
  }

  @Override
  public void push(String tenant, PushRequest request) {
    // The tenant travels to the ingester as X-Scope-OrgID from the call context; bind the one
    // given here, since legacy HTTP callers have no gRPC context of their own.
    Context tenantContext = Context.current().withValue(Tenant.CONTEXT_KEY, tenant);
    Context previous = tenantContext.attach();
    try {
      write(tenant, request);
    } finally {
      tenantContext.detach(previous);
    }
  }

  private void write(String tenant, PushRequest request) {
    Map<String, PushRequest.Builder> byService = new LinkedHashMap<>();
    for (ProfileSeries s : request.getSeriesList()) {
      byService.computeIfAbsent(serviceName(s.getLabelsList()), k -> PushRequest.newBuilder()).addSeries(s);
    }
    for (Map.Entry<String, PushRequest.Builder> e : byService.entrySet()) {
      ReplicationSet replicas = ring.get(RingHash.tokenFor(tenant, e.getKey()), Operation.WRITE);
      PushRequest part = byService.size() == 1 ? request : e.getValue().build();
      // One replica needs no hand-off to another thread; several are written in parallel, each
      // call carrying this context's tenant and push deadline.
      Executor calls = replicas.instances().size() == 1 ? Runnable::run : Context.currentContextExecutor(executor);
      replicas.doUntilQuorum(calls, instance -> clients.get(instance.getAddr()).push(part));
    }
  }

  private static String serviceName(List<LabelPair> labels) {
    for (LabelPair p : labels) {
      if (p.getName().equals(LabelNames.SERVICE_NAME)) {
        return p.getValue();
      }
    }
    return LabelNames.UNKNOWN_SERVICE;
  }
}
