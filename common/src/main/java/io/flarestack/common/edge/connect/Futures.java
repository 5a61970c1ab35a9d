package io.flarestack.common.edge.connect;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** CompletableFuture helpers. */
final class Futures {
  private Futures() {}

  /** Maps a future; cancelling the mapped future cancels the source, unlike {@code thenApply}. */
  static <T, U> CompletableFuture<U> map(CompletableFuture<T> source, Function<T, U> fn) {
    CompletableFuture<U> mapped = source.thenApply(fn);
    mapped.whenComplete((u, t) -> {
      if (mapped.isCancelled()) {
        source.cancel(false);
      }
    });
    return mapped;
  }
}
