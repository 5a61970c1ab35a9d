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
 * Runs calls on several backends (ingesters, store-gateways) in parallel and collects the
 * answers. The gRPC context (tenant, deadline, cancellation) travels with each call. Unless the
 * caller allows some failures (replicated ingesters), every answer is needed and the first
 * failure fails the read. Thread-safe.
 */
final class Fanout {
  private final Executor executor;

  Fanout(Executor executor) {
    this.executor = requireNonNull(executor, "executor is null");
  }

  /** What one task of {@link #each} gave: a value, or the failure. */
  record Outcome<T>(T value, FlarestackException error) {
    boolean failed() {
      return error != null;
    }
  }

  /**
   * Calls every stub; up to {@code maxErrors} of them may fail (their answers are left out), one
   * more fails the read with the first failure.
   */
  <S, T> List<T> call(List<S> stubs, Function<S, T> call, int maxErrors) {
    List<Supplier<T>> tasks = new ArrayList<>(stubs.size());
    for (S stub : stubs) {
      tasks.add(() -> call.apply(stub));
    }
    return values(each(tasks), maxErrors);
  }

  /** Starts {@link #call} without waiting (the context travels along). */
  <S, T> CompletableFuture<List<T>> callAsync(List<S> stubs, Function<S, T> call, int maxErrors) {
    return CompletableFuture.supplyAsync(() -> call(stubs, call, maxErrors), Context.currentContextExecutor(executor));
  }

  /**
   * Runs the tasks in parallel and returns, in order, each one's value or failure; never throws
   * for a task's failure.
   */
  <T> List<Outcome<T>> each(List<Supplier<T>> tasks) {
    Executor withContext = Context.currentContextExecutor(executor);
    List<CompletableFuture<T>> futures = new ArrayList<>(tasks.size());
    for (int i = 0; i < tasks.size(); i++) {
      Supplier<T> task = tasks.get(i);
      // The last task runs on the calling thread: one thread fewer per read.
      futures.add(i == tasks.size() - 1 ? runHere(task) : CompletableFuture.supplyAsync(task, withContext));
    }
    List<Outcome<T>> out = new ArrayList<>(tasks.size());
    for (CompletableFuture<T> f : futures) {
      try {
        out.add(new Outcome<>(join(f), null));
      } catch (FlarestackException e) {
        out.add(new Outcome<>(null, e));
      }
    }
    return out;
  }

  /** The values of the outcomes, or the first failure when more than {@code maxErrors} failed. */
  static <T> List<T> values(List<Outcome<T>> outcomes, int maxErrors) {
    List<T> out = new ArrayList<>(outcomes.size());
    FlarestackException first = null;
    int failed = 0;
    for (Outcome<T> o : outcomes) {
      if (o.failed()) {
        failed++;
        first = first == null ? o.error() : first;
      } else {
        out.add(o.value());
      }
    }
    if (failed > maxErrors) {
      throw first;
    }
    return out;
  }

  static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      throw FlarestackException.from(e.getCause() != null ? e.getCause() : e);
    }
  }

  private static <T> CompletableFuture<T> runHere(Supplier<T> task) {
    try {
      return CompletableFuture.completedFuture(task.get());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
