package io.flarestack.common.edge.http;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.edge.metrics.RequestMetrics;
import io.flarestack.common.edge.metrics.RouteLabel;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.io.RequestMemory;
import io.grpc.Context;
import io.grpc.Status;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every request on the worker executor: routes it, calls its handler, turns failures into
 * JSON error replies, compresses the reply when the client accepts it, and records the request
 * metrics (route label from the matched template). Each handler runs in its own cancellable
 * {@link Context}, cancelled with status {@code CANCELLED} when the client goes away, so that a
 * blocking handler's work (e.g. a query it makes through a gRPC stub, which carries the context)
 * stops too. Thread-safe.
 */
public final class Dispatcher implements RequestSink {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  /** What a request cancelled by its client is recorded as (nginx's and connect-go's "client closed"). */
  static final int CLIENT_CLOSED = 499;
  private static final Set<String> STANDARD_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  private final Router router;
  private final Executor workers;
  private final RequestMetrics metrics;
  private final RouteLabel routeLabels = new RouteLabel();

  /**
   * @param workers runs handlers; when it rejects a task the request is answered 503
   */
  public Dispatcher(Router router, Executor workers, RequestMetrics metrics) {
    this.router = requireNonNull(router, "router is null");
    this.workers = requireNonNull(workers, "workers is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
  }

  @Override
  public CompletableFuture<Reply> dispatch(HttpRequest request, RequestInfo info) {
    long start = System.nanoTime();
    Router.Match match = router.match(request.method(), request.path());
    String method = methodLabel(request.method());
    String route = match.template() == null ? RouteLabel.NOT_FOUND : routeLabels.of(match.template());
    metrics.started(method, route);
    CompletableFuture<Reply> result = new CompletableFuture<>();
    result.whenComplete((reply, error) -> metrics.finished(method, route,
        Integer.toString(reply != null ? reply.status() : CLIENT_CLOSED), System.nanoTime() - start,
        request.body().length, reply != null ? reply.response().body().length : 0));
    try {
      workers.execute(() -> run(match.handler(), request, info, result));
    } catch (RejectedExecutionException e) {
      result.complete(Router.error(503, ErrorCode.UNAVAILABLE,
          "server is overloaded or stopping: no worker thread can take " + request.method() + " " + request.path()));
    }
    return result;
  }

  @Override
  public void rejected(String method, String path, int status, long requestBytes, long responseBytes) {
    Router.Match match = router.match(method, path);
    String m = methodLabel(method);
    String route = match.template() == null ? RouteLabel.NOT_FOUND : routeLabels.of(match.template());
    metrics.started(m, route);
    metrics.finished(m, route, Integer.toString(status), 0, requestBytes, responseBytes);
  }

  private void run(RouteHandler handler, HttpRequest request, RequestInfo info, CompletableFuture<Reply> result) {
    if (result.isDone()) {
      return; // the client left while the request was queued
    }
    // Cancelled when the client leaves (the transport cancels result), released when it is answered;
    // decoders in the handler find the request's memory reservation in it.
    Context.CancellableContext context = request.memory().attachTo(Context.current()).withCancellation();
    result.whenComplete((r, t) -> context.cancel(result.isCancelled()
        ? Status.CANCELLED.withDescription("the client closed the request").asRuntimeException() : null));
    CompletableFuture<Reply> inner;
    // The hold keeps the memory counted while the handler runs, even if the client hangs up.
    Context previous = context.attach();
    try (RequestMemory.Hold hold = request.memory().retain()) {
      inner = requireNonNull(handler.handle(request, info), "handler returned null");
    } catch (Exception | Error e) {
      inner = CompletableFuture.failedFuture(e);
    } finally {
      context.detach(previous);
    }
    if (inner.isDone()) {
      finish(request, inner, result);
      return;
    }
    CompletableFuture<Reply> pending = inner;
    result.whenComplete((r, t) -> {
      if (result.isCancelled()) {
        pending.cancel(false);
      }
    });
    // Compression and encoding belong on a worker, whatever thread completed the handler.
    pending.whenCompleteAsync((r, t) -> finish(request, pending, result), this::executeOrRun);
  }

  private void finish(HttpRequest request, CompletableFuture<Reply> inner, CompletableFuture<Reply> result) {
    Reply reply;
    try {
      reply = inner.join();
    } catch (CancellationException e) {
      result.cancel(false);
      return;
    } catch (CompletionException e) {
      reply = errorReply(request, e.getCause() != null ? e.getCause() : e);
    }
    try {
      reply = ResponseCompression.apply(request, reply);
    } catch (RuntimeException e) {
      reply = errorReply(request, e);
    }
    result.complete(reply);
  }

  /**
   * The JSON error reply for a handler failure, classified by {@link FlarestackException#from}
   * (the one mapping): a gRPC status from an in-process call keeps its code, anything unknown is
   * a 500.
   */
  static Reply errorReply(HttpRequest request, Throwable t) {
    FlarestackException e = FlarestackException.forClient(t);
    if (e.code() == ErrorCode.INTERNAL || e.code() == ErrorCode.UNKNOWN) {
      log.error("{} {} failed", request.method(), request.path(), t);
    }
    return Reply.of(HttpResponse.error(e));
  }

  private void executeOrRun(Runnable task) {
    try {
      workers.execute(task);
    } catch (RejectedExecutionException e) {
      task.run(); // stopping: finishing inline beats leaving the client without an answer
    }
  }

  // Clients may send any token as a method; only standard ones become label values.
  private static String methodLabel(String method) {
    return STANDARD_METHODS.contains(method) ? method : "OTHER";
  }
}
