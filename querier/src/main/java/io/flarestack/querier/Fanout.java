package io.flarestack.querier;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.errors.FlarestackException;
import io.grpc.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs one call on every backend of a kind (ingesters, store-gateways) in parallel and collects
 * the answers. The gRPC context (tenant, deadline) travels with each call. Every answer is
 * needed, so the first failure fails the read. Thread-safe.
 *
 * @param <S> the client stub type
 */
final class Fanout<S> {
  private final Supplier<List<S>> clients;
  private final Executor executor;

  Fanout(Supplier<List<S>> clients, Executor executor) {
    this.clients = requireNonNull(clients, "clients is null");
    this.executor = requireNonNull(executor, "executor is null");
  }

  boolean isEmpty() {
    return clients.get().isEmpty();
  }

  <T> List<T> call(Function<S, T> call) {
    List<S> stubs = clients.get();
    if (stubs.size() == 1) {
      try {
        return List.of(call.apply(stubs.get(0)));
      } catch (RuntimeException e) {
        throw FlarestackException.from(e);
      }
    }
    Executor withContext = Context.currentContextExecutor(executor);
    List<CompletableFuture<T>> futures = new ArrayList<>(stubs.size());
    for (S stub : stubs) {
      futures.add(CompletableFuture.supplyAsync(() -> call.apply(stub), withContext));
    }
    List<T> out = new ArrayList<>(stubs.size());
    for (CompletableFuture<T> f : futures) {
      out.add(join(f));
    }
    return out;
  }

  /** Starts the call on every backend without waiting (the context travels along). */
  <T> CompletableFuture<List<T>> callAsync(Function<S, T> call) {
    return CompletableFuture.supplyAsync(() -> call(call), Context.currentContextExecutor(executor));
  }

  static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      throw FlarestackException.from(e.getCause() != null ? e.getCause() : e);
    }
  }
}
