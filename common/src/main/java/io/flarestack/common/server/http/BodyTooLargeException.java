package io.flarestack.common.server.http;

import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;

/**
 * A request body (raw or decompressed) over the server's size limit. Answered with HTTP 413 and
 * code {@code resource_exhausted}, as connect-go answers a body over its read limit.
 */
public final class BodyTooLargeException extends FlarestackException {
  private static final long serialVersionUID = 1L;

  public BodyTooLargeException(String message) {
    super(ErrorCode.RESOURCE_EXHAUSTED, message);
  }

  /** The JSON error reply (HTTP 413). */
  public HttpResponse toResponse() {
    return HttpResponse.error(413, this);
  }
}
