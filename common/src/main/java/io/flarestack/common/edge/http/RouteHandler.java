package io.flarestack.common.edge.http;

import java.util.concurrent.CompletableFuture;

/**
 * The server-internal form of a route: called on a worker thread, answers now or later. The
 * transport cancels the returned future when the client goes away. A thrown or failed
 * {@link io.flarestack.common.errors.FlarestackException} becomes a Connect-style JSON error; any
 * other failure becomes a 500. Plain routes are {@link HttpHandler}s adapted by {@link #of}.
 */
@FunctionalInterface
public interface RouteHandler {
  CompletableFuture<Reply> handle(HttpRequest request, RequestInfo info) throws Exception;

  /** Runs a blocking handler on the calling worker thread. */
  static RouteHandler of(HttpHandler handler) {
    return (request, info) -> CompletableFuture.completedFuture(Reply.of(handler.handle(request)));
  }
}
