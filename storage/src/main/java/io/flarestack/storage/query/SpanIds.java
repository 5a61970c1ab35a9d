package io.flarestack.storage.query;

import io.flarestack.common.errors.FlarestackException;

/**
 * Span ids as stored per sample: the 16 hex characters of the 8-byte span id, decoded to bytes
 * and read little-endian into a long (Pyroscope's encoding). 0 means "no span".
 */
public final class SpanIds {
  private SpanIds() {}

  /** The span id, or 0 when {@code s} is not exactly 16 hex characters. Allocates nothing. */
  public static long parseOrZero(String s) {
    if (s.length() != 16) {
      return 0;
    }
    long v = 0;
    for (int i = 0; i < 8; i++) {
      int hi = Character.digit(s.charAt(2 * i), 16);
      int lo = Character.digit(s.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        return 0;
      }
      v |= (long) ((hi << 4) | lo) << (8 * i);
    }
    return v;
  }

  /**
   * Parses a span selector entry.
   *
   * @throws FlarestackException invalid_argument naming the value when it is not 16 hex characters
   */
  public static long parse(String s) {
    long v = parseOrZero(s);
    if (v == 0 && !s.equals("0000000000000000")) {
      throw FlarestackException.invalidArgument(
          "invalid span id \"%s\": a span id must be exactly 16 hexadecimal characters", s);
    }
    return v;
  }

  /** The 16 lowercase hex characters of a span id. */
  public static String format(long spanId) {
    StringBuilder sb = new StringBuilder(16);
    for (int i = 0; i < 8; i++) {
      int b = (int) (spanId >>> (8 * i)) & 0xff;
      sb.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return sb.toString();
  }
}
