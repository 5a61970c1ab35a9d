package io.flarestack.common.edge.http;

import java.util.concurrent.CompletableFuture;

/** Where the transport hands complete requests; implemented by {@link Dispatcher}. Thread-safe. */
public interface RequestSink {
  /**
   * Starts handling a request and returns at once (on the I/O thread). The future never fails:
   * errors are replies. The transport cancels it when the connection or stream closes first.
   */
  CompletableFuture<Reply> dispatch(HttpRequest request, RequestInfo info);

  /**
   * Records a request the transport answered itself (body too large, malformed), for metrics.
   *
   * @param path the request path, used to find its route label
   */
  void rejected(String method, String path, int status, long requestBytes, long responseBytes);
}
