package io.flarestack.common.edge.connect;

import io.flarestack.common.errors.FlarestackException;

/** Parses the deadline headers of Connect ({@code Connect-Timeout-Ms}) and gRPC ({@code grpc-timeout}). */
final class Timeouts {
  static final long NONE = -1;

  private Timeouts() {}

  /**
   * {@code Connect-Timeout-Ms}: 1 to 10 digits of milliseconds.
   *
   * @return nanoseconds, or {@link #NONE} when the header is absent
   * @throws FlarestackException invalid_argument for any other value
   */
  static long connectTimeoutNanos(String header) {
    if (header == null) {
      return NONE;
    }
    String v = header.trim();
    if (v.isEmpty() || v.length() > 10 || !digits(v, v.length())) {
      throw FlarestackException.invalidArgument("invalid Connect-Timeout-Ms \"%s\": expected 1 to 10 digits of milliseconds",
          header);
    }
    return Long.parseLong(v) * 1_000_000L;
  }

  /**
   * {@code grpc-timeout}: 1 to 8 digits and a unit (H, M, S, m, u, n).
   *
   * @return nanoseconds, or {@link #NONE} when the header is absent
   * @throws FlarestackException invalid_argument for any other value
   */
  static long grpcTimeoutNanos(String header) {
    if (header == null) {
      return NONE;
    }
    String v = header.trim();
    int n = v.length() - 1;
    if (n < 1 || n > 8 || !digits(v, n)) {
      throw FlarestackException.invalidArgument("invalid grpc-timeout \"%s\": expected 1 to 8 digits and a unit", header);
    }
    long amount = Long.parseLong(v.substring(0, n));
    return switch (v.charAt(n)) {
      case 'H' -> amount * 3_600_000_000_000L;
      case 'M' -> amount * 60_000_000_000L;
      case 'S' -> amount * 1_000_000_000L;
      case 'm' -> amount * 1_000_000L;
      case 'u' -> amount * 1_000L;
      case 'n' -> amount;
      default -> throw FlarestackException.invalidArgument("invalid grpc-timeout \"%s\": unknown unit %s (use H, M, S, m, u, n)",
          header, v.charAt(n));
    };
  }

  private static boolean digits(String s, int end) {
    for (int i = 0; i < end; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}
