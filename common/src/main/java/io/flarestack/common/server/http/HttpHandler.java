package io.flarestack.common.server.http;

/**
 * Handles one HTTP request. Runs on a worker thread, so it may block. A thrown
 * {@link io.flarestack.common.errors.FlarestackException} becomes a Connect-style JSON error with
 * its code's status; any other exception becomes a 500 and is logged.
 */
@FunctionalInterface
public interface HttpHandler {
  HttpResponse handle(HttpRequest request) throws Exception;
}
