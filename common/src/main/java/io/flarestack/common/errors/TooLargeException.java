package io.flarestack.common.errors;

/**
 * Input that can never be accepted because it is larger than a limit: a body, a decompressed
 * body, or the memory a request needs. Category {@link ErrorCode#RESOURCE_EXHAUSTED}, answered
 * with HTTP 413 on plain HTTP and Connect (connect-go answers a body over its read limit the same
 * way), with gRPC {@code RESOURCE_EXHAUSTED} on gRPC. Unlike a 429, retrying the same input cannot
 * succeed. The message names the size, the limit and the flag.
 */
public final class TooLargeException extends FlarestackException {
  private static final long serialVersionUID = 1L;

  public TooLargeException(String message) {
    super(ErrorCode.RESOURCE_EXHAUSTED, message);
  }

  @Override
  public int httpStatus() {
    return 413;
  }
}
