package io.flarestack.distributor.ingest.jfr;

import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;

/** An upload whose recording (or labels) decompresses past the JFR size limit; answered with 413. */
final class JfrTooLargeException extends FlarestackException {
  private static final long serialVersionUID = 1L;

  JfrTooLargeException(String message) {
    super(ErrorCode.INVALID_ARGUMENT, message);
  }
}
