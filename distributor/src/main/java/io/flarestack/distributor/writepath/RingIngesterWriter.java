package io.flarestack.distributor.writepath;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.ingester.v1.IngesterServiceGrpc.IngesterServiceBlockingStub;
import io.flarestack.api.ingester.v1.PushRequest;
import io.flarestack.common.client.ClientPool;
import io.flarestack.common.ring.ReplicationSet;
import io.flarestack.common.tenant.Tenant;
import io.grpc.Context;
import java.util.concurrent.Executor;

/**
 * Writes pushes to the ingesters the {@link IngesterRouter} chooses: each part of a push to its
 * replica set, succeeding once a quorum of that set acknowledged it; parts for different replica
 * sets are written one after another. Thread-safe.
 */
public final class RingIngesterWriter implements IngesterWriter {
  private final IngesterRouter router;
  private final ClientPool<IngesterServiceBlockingStub> clients;
  private final Executor executor;

  public RingIngesterWriter(IngesterRouter router, ClientPool<IngesterServiceBlockingStub> clients, Executor executor) {
    this.router = requireNonNull(router, "router is null");
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
      for (IngesterRouter.Route route : router.route(tenant, request)) {
        ReplicationSet replicas = route.replicas();
        PushRequest part = route.request();
        // One replica needs no hand-off to another thread; several are written in parallel, each
        // call carrying this context's tenant and push deadline.
        Executor calls = replicas.instances().size() == 1 ? Runnable::run : Context.currentContextExecutor(executor);
        replicas.doUntilQuorum(calls, instance -> clients.get(instance.getAddr()).push(part));
      }
    } finally {
      tenantContext.detach(previous);
    }
  }
}
