package io.flarestack.common.errors;

import io.grpc.Status;

/**
 * The closed set of error categories, each with its Connect code, HTTP status and gRPC status.
 * This enum is the single mapping between the three protocols; nothing else translates codes.
 * HTTP statuses follow connect-go 1.19 (unimplemented is 501, failed_precondition is 400).
 */
public enum ErrorCode {
  CANCELED("canceled", 499, Status.Code.CANCELLED),
  UNKNOWN("unknown", 500, Status.Code.UNKNOWN),
  INVALID_ARGUMENT("invalid_argument", 400, Status.Code.INVALID_ARGUMENT),
  DEADLINE_EXCEEDED("deadline_exceeded", 504, Status.Code.DEADLINE_EXCEEDED),
  NOT_FOUND("not_found", 404, Status.Code.NOT_FOUND),
  ALREADY_EXISTS("already_exists", 409, Status.Code.ALREADY_EXISTS),
  PERMISSION_DENIED("permission_denied", 403, Status.Code.PERMISSION_DENIED),
  RESOURCE_EXHAUSTED("resource_exhausted", 429, Status.Code.RESOURCE_EXHAUSTED),
  FAILED_PRECONDITION("failed_precondition", 400, Status.Code.FAILED_PRECONDITION),
  ABORTED("aborted", 409, Status.Code.ABORTED),
  OUT_OF_RANGE("out_of_range", 400, Status.Code.OUT_OF_RANGE),
  UNIMPLEMENTED("unimplemented", 501, Status.Code.UNIMPLEMENTED),
  INTERNAL("internal", 500, Status.Code.INTERNAL),
  UNAVAILABLE("unavailable", 503, Status.Code.UNAVAILABLE),
  DATA_LOSS("data_loss", 500, Status.Code.DATA_LOSS),
  UNAUTHENTICATED("unauthenticated", 401, Status.Code.UNAUTHENTICATED);

  private final String connectCode;
  private final int httpStatus;
  private final Status.Code grpcCode;

  ErrorCode(String connectCode, int httpStatus, Status.Code grpcCode) {
    this.connectCode = connectCode;
    this.httpStatus = httpStatus;
    this.grpcCode = grpcCode;
  }

  /** The lower-snake Connect code string, e.g. {@code invalid_argument}. */
  public String connectCode() {
    return connectCode;
  }

  /** The HTTP status a Connect unary error response carries. */
  public int httpStatus() {
    return httpStatus;
  }

  public Status.Code grpcCode() {
    return grpcCode;
  }

  /** The error code for a gRPC status code; every gRPC code has exactly one. */
  public static ErrorCode fromGrpc(Status.Code code) {
    for (ErrorCode c : values()) {
      if (c.grpcCode == code) {
        return c;
      }
    }
    return UNKNOWN; // Status.Code.OK is not an error
  }

  /** The error code for a Connect code string, or {@link #UNKNOWN}. */
  public static ErrorCode fromConnect(String connectCode) {
    for (ErrorCode c : values()) {
      if (c.connectCode.equals(connectCode)) {
        return c;
      }
    }
    return UNKNOWN;
  }
}
