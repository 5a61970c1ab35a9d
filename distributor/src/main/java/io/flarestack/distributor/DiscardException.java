package io.flarestack.distributor;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;

/** A rejected profile: the error the client sees, and the reason it is counted under. */
public final class DiscardException extends FlarestackException {
  private static final long serialVersionUID = 1L;

  private final DiscardReason reason;

  public DiscardException(ErrorCode code, DiscardReason reason, String message) {
    super(code, message);
    this.reason = requireNonNull(reason, "reason is null");
  }

  public DiscardException(ErrorCode code, DiscardReason reason, String message, Throwable cause) {
    super(code, message, cause);
    this.reason = requireNonNull(reason, "reason is null");
  }

  /** An invalid_argument rejection. */
  public static DiscardException invalid(DiscardReason reason, String format, Object... args) {
    return new DiscardException(ErrorCode.INVALID_ARGUMENT, reason, String.format(format, args));
  }

  public DiscardReason reason() {
    return reason;
  }
}
