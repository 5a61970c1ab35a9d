package io.flarestack.common.cancel;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Thrown by {@link Cancellation} when the query's context is cancelled: status
 * {@code CANCELLED} (the caller went away) or {@code DEADLINE_EXCEEDED}. A gRPC status exception,
 * so every layer maps it to the right Connect/gRPC/HTTP code through
 * {@link io.flarestack.common.errors.FlarestackException#from}; its own type lets code that turns
 * read failures into "corrupt block" or "source unavailable" let it pass untouched.
 */
public final class QueryCancelledException extends StatusRuntimeException {
  private static final long serialVersionUID = 1L;

  public QueryCancelledException(Status status) {
    super(status);
  }
}
