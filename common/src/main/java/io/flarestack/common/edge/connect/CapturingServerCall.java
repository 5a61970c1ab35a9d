package io.flarestack.common.edge.connect;

import static java.util.Objects.requireNonNull;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link ServerCall} with no transport behind it: it keeps the response message and completes
 * {@link #result()} when the application closes the call or the call is cancelled (deadline,
 * client gone). Used to run a registered gRPC method for a Connect or gRPC-over-h2c request.
 * Thread-safe.
 */
final class CapturingServerCall<ReqT, RespT> extends ServerCall<ReqT, RespT> {
  private final MethodDescriptor<ReqT, RespT> method;
  private final Attributes attributes;
  private final String authority;
  private final CompletableFuture<CallResult<RespT>> result = new CompletableFuture<>();

  private RespT response; // guarded by this
  private int responses; // guarded by this
  private boolean closedByApplication; // guarded by this
  private volatile boolean cancelled;

  CapturingServerCall(MethodDescriptor<ReqT, RespT> method, Attributes attributes, String authority) {
    this.method = requireNonNull(method, "method is null");
    this.attributes = requireNonNull(attributes, "attributes is null");
    this.authority = authority;
  }

  /** Completes once: with the application's close, or with the cancellation status. */
  CompletableFuture<CallResult<RespT>> result() {
    return result;
  }

  /** Cancels the call unless it already ended; returns whether it did. */
  boolean cancel(Status status) {
    synchronized (this) {
      if (closedByApplication) {
        return false;
      }
      cancelled = true;
    }
    return result.complete(new CallResult<>(status, null, new Metadata()));
  }

  @Override
  public void request(int numMessages) {
    // The one request message is delivered right after start; there is no flow control to apply.
  }

  @Override
  public void sendHeaders(Metadata headers) {
    // Response headers are not mapped to HTTP; Flarestack's services set none.
  }

  @Override
  public synchronized void sendMessage(RespT message) {
    if (closedByApplication) {
      throw new IllegalStateException("call is closed");
    }
    if (cancelled) {
      return; // as grpc-java: sending on a cancelled call is a silent no-op
    }
    response = message;
    responses++;
  }

  @Override
  public void close(Status status, Metadata trailers) {
    CallResult<RespT> r;
    synchronized (this) {
      if (closedByApplication) {
        throw new IllegalStateException("call already closed");
      }
      closedByApplication = true;
      if (status.isOk() && responses != 1 && method.getType().serverSendsOneMessage()) {
        status = Status.INTERNAL.withDescription(responses == 0
            ? "the service completed " + method.getFullMethodName() + " without a response"
            : "the service sent " + responses + " responses to unary " + method.getFullMethodName());
      }
      r = new CallResult<>(status, status.isOk() ? response : null, trailers == null ? new Metadata() : trailers);
    }
    result.complete(r);
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public boolean isReady() {
    return !result.isDone();
  }

  @Override
  public MethodDescriptor<ReqT, RespT> getMethodDescriptor() {
    return method;
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public String getAuthority() {
    return authority;
  }
}
