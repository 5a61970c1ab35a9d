package io.flarestack.common.edge.http;

/**
 * Handles one HTTP request. Runs on a worker thread, so it may block; it runs in an
 * {@link io.grpc.Context} that is cancelled when the client goes away, which gRPC calls made
 * from it inherit (long work should stop then). A thrown
 * {@link io.flarestack.common.errors.FlarestackException} becomes a Connect-style JSON error with
 * its code's status; any other exception becomes a 500 and is logged.
 */
@FunctionalInterface
public interface HttpHandler {
  HttpResponse handle(HttpRequest request) throws Exception;
}
