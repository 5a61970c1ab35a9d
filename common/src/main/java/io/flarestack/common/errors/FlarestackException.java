package io.flarestack.common.errors;

import static java.util.Objects.requireNonNull;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * An error with a category. Thrown by service code for anything a caller should see with a
 * specific status (bad input, limits, missing tenant); everything else surfaces as
 * {@link ErrorCode#INTERNAL}. Messages name the offending value and, where one applies, the limit.
 */
public class FlarestackException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public FlarestackException(ErrorCode code, String message) {
    super(requireNonNull(message, "message is null"));
    this.code = requireNonNull(code, "code is null");
  }

  public FlarestackException(ErrorCode code, String message, Throwable cause) {
    super(requireNonNull(message, "message is null"), cause);
    this.code = requireNonNull(code, "code is null");
  }

  public ErrorCode code() {
    return code;
  }

  /** The HTTP status of this error on plain HTTP and Connect: its code's, unless a subclass is more precise. */
  public int httpStatus() {
    return code.httpStatus();
  }

  public static FlarestackException invalidArgument(String format, Object... args) {
    return new FlarestackException(ErrorCode.INVALID_ARGUMENT, String.format(format, args));
  }

  public static FlarestackException unimplemented(String format, Object... args) {
    return new FlarestackException(ErrorCode.UNIMPLEMENTED, String.format(format, args));
  }

  public static FlarestackException resourceExhausted(String format, Object... args) {
    return new FlarestackException(ErrorCode.RESOURCE_EXHAUSTED, String.format(format, args));
  }

  /** As a gRPC status, for service implementations that answer through grpc-java. */
  public StatusRuntimeException toStatusException() {
    return Status.fromCode(code.grpcCode()).withDescription(getMessage()).withCause(this).asRuntimeException();
  }

  /**
   * Classifies any throwable; this is the one place a failure becomes an {@link ErrorCode}. A
   * {@code FlarestackException} keeps its code. gRPC status exceptions keep theirs, with the
   * status description as the message: a remote ingester's, or the querier's own when an HTTP
   * handler calls the Querier API in process, so an invalid_argument there is a 400 at every
   * door, never a 500. {@link CompletionException} and {@link ExecutionException} are looked
   * through to their cause. Anything else is internal.
   */
  public static FlarestackException from(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof FlarestackException f) {
      return f;
    }
    Status status = null;
    if (t instanceof StatusRuntimeException s) {
      status = s.getStatus();
    } else if (t instanceof StatusException s) {
      status = s.getStatus();
    }
    if (status != null) {
      String description = status.getDescription() != null ? status.getDescription() : status.getCode().name();
      return new FlarestackException(ErrorCode.fromGrpc(status.getCode()), description, t);
    }
    String message = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    return new FlarestackException(ErrorCode.INTERNAL, message, t);
  }
  /**
   * As {@link #from(Throwable)}, for what a client is told: a failure no code classified (a bug,
   * an I/O error deep down) is internal, and its message, which may name the server's files, stays
   * out of the answer; the client learns its kind and that the server's log has the rest. The
   * caller logs {@code t}.
   */
  public static FlarestackException forClient(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof FlarestackException || cause instanceof StatusRuntimeException
        || cause instanceof StatusException) {
      return from(cause);
    }
    return new FlarestackException(ErrorCode.INTERNAL, "internal error (" + cause.getClass().getSimpleName()
        + "); the details are in the server's log", cause);
  }

}
