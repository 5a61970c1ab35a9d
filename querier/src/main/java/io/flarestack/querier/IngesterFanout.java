package io.flarestack.querier;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.ingester.v1.IngesterServiceGrpc.IngesterServiceBlockingStub;
import io.flarestack.common.errors.FlarestackException;
import io.grpc.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Runs one call on every ingester in parallel and collects the answers. The gRPC context (tenant,
 * deadline) travels with each call. With replication factor 1 every ingester's answer is needed,
 * so the first failure fails the read. Thread-safe.
 */
final class IngesterFanout {
  private final IngesterQueryClients clients;
  private final Executor executor;

  IngesterFanout(IngesterQueryClients clients, Executor executor) {
    this.clients = requireNonNull(clients, "clients is null");
    this.executor = requireNonNull(executor, "executor is null");
  }

  <T> List<T> call(Function<IngesterServiceBlockingStub, T> call) {
    List<IngesterServiceBlockingStub> stubs = clients.forRead();
    if (stubs.size() == 1) {
      try {
        return List.of(call.apply(stubs.get(0)));
      } catch (RuntimeException e) {
        throw FlarestackException.from(e);
      }
    }
    Executor withContext = Context.currentContextExecutor(executor);
    List<CompletableFuture<T>> futures = new ArrayList<>(stubs.size());
    for (IngesterServiceBlockingStub stub : stubs) {
      futures.add(CompletableFuture.supplyAsync(() -> call.apply(stub), withContext));
    }
    List<T> out = new ArrayList<>(stubs.size());
    for (CompletableFuture<T> f : futures) {
      try {
        out.add(f.join());
      } catch (CompletionException e) {
        throw FlarestackException.from(e.getCause() != null ? e.getCause() : e);
      }
    }
    return out;
  }
}
