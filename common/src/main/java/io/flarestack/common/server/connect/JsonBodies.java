package io.flarestack.common.server.connect;

import io.flarestack.common.errors.FlarestackException;

/**
 * Strictness checks for JSON request bodies that the protobuf JSON parser does not make: it
 * decodes bytes with replacement (invalid UTF-8 would be stored as U+FFFD), accepts escapes of
 * unpaired UTF-16 surrogates ({@code "\ud800"}, which have no UTF-8 form) and ignores whatever
 * follows the first JSON value. Call {@link #requireValid} on the raw (decompressed) body before
 * parsing it. Stateless and thread-safe; linear in the body, no recursion.
 */
public final class JsonBodies {
  private static final int PREVIEW = 32;

  private JsonBodies() {}

  /**
   * Checks {@code body}: valid UTF-8, at most one JSON value with nothing but whitespace after
   * it, and no escaped unpaired surrogate in a string. A blank body passes (it is the empty
   * message). Malformed JSON inside the value is left to the parser.
   *
   * @throws FlarestackException invalid_argument naming the problem and its byte offset
   */
  public static void requireValid(byte[] body) {
    requireUtf8(body);
    requireSingleValue(body);
  }

  /**
   * Checks that {@code body} is well-formed UTF-8 (no overlong forms, no encoded surrogates, no
   * code points past U+10FFFF).
   *
   * @throws FlarestackException invalid_argument naming the first bad byte and its offset
   */
  public static void requireUtf8(byte[] body) {
    int bad = invalidUtf8At(body);
    if (bad >= 0) {
      throw FlarestackException.invalidArgument(
          "the JSON body is not valid UTF-8: byte 0x%02x at offset %d does not decode (%d bytes)", body[bad] & 0xff,
          bad, body.length);
    }
  }

  /**
   * Checks that {@code body} holds at most one JSON value followed only by whitespace, and that
   * its strings escape no unpaired surrogate.
   *
   * @throws FlarestackException invalid_argument naming the offset of the trailing data or of
   *     the escape
   */
  public static void requireSingleValue(byte[] body) {
    int start = skipWhitespace(body, 0);
    if (start == body.length) {
      return;
    }
    int rest = skipWhitespace(body, valueEnd(body, start));
    if (rest < body.length) {
      throw trailing(body, rest);
    }
  }

  // The offset just after the JSON value starting at i (non-whitespace). Only strings and
  // bracket depth are tracked; where the value is malformed, the end is the body's end and the
  // parser reports the problem.
  private static int valueEnd(byte[] b, int i) {
    byte first = b[i];
    if (first == '"') {
      return skipString(b, i);
    }
    if (first != '{' && first != '[') {
      int start = i;
      while (i < b.length && !isDelimiter(b[i])) {
        i++; // a number, true, false or null
      }
      return i == start ? b.length : i;
    }
    int depth = 0;
    while (i < b.length) {
      byte c = b[i];
      if (c == '"') {
        i = skipString(b, i);
        continue;
      }
      if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
        if (depth == 0) {
          return i + 1;
        }
      }
      i++;
    }
    return i;
  }

  private static boolean isDelimiter(byte c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '{' || c == '}' || c == '[' || c == ']' || c == ','
        || c == ':' || c == '"';
  }

  /** The offset of the first byte that is not valid UTF-8, or -1. */
  static int invalidUtf8At(byte[] b) {
    int i = 0;
    while (i < b.length) {
      int c = b[i] & 0xff;
      if (c < 0x80) {
        i++;
        continue;
      }
      int need;
      int min = 0x80;
      int max = 0xbf;
      if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
      } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        if (c == 0xe0) {
          min = 0xa0; // overlong
        } else if (c == 0xed) {
          max = 0x9f; // UTF-16 surrogates
        }
      } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        if (c == 0xf0) {
          min = 0x90; // overlong
        } else if (c == 0xf4) {
          max = 0x8f; // past U+10FFFF
        }
      } else {
        return i;
      }
      if (i + need >= b.length) {
        return i; // cut short
      }
      int second = b[i + 1] & 0xff;
      if (second < min || second > max) {
        return i;
      }
      for (int k = 2; k <= need; k++) {
        int cont = b[i + k] & 0xff;
        if (cont < 0x80 || cont > 0xbf) {
          return i;
        }
      }
      i += need + 1;
    }
    return -1;
  }

  // From the opening quote at i; returns the offset after the closing quote (or the end).
  private static int skipString(byte[] b, int i) {
    i++;
    while (i < b.length) {
      byte c = b[i];
      if (c == '"') {
        return i + 1;
      }
      if (c != '\\') {
        i++;
        continue;
      }
      if (i + 1 < b.length && b[i + 1] == 'u') {
        int unit = hex4(b, i + 2);
        if (unit >= 0xdc00 && unit <= 0xdfff) {
          throw surrogate(unit, i);
        }
        if (unit >= 0xd800 && unit <= 0xdbff) {
          int low = i + 7 < b.length && b[i + 6] == '\\' && b[i + 7] == 'u' ? hex4(b, i + 8) : -1;
          if (low < 0xdc00 || low > 0xdfff) {
            throw surrogate(unit, i);
          }
          i += 12;
          continue;
        }
        i += 6;
        continue;
      }
      i += 2; // a two-character escape
    }
    return i;
  }

  /** The value of four hex digits at i, or -1. */
  private static int hex4(byte[] b, int i) {
    if (i + 4 > b.length) {
      return -1;
    }
    int v = 0;
    for (int k = 0; k < 4; k++) {
      int d = Character.digit(b[i + k], 16);
      if (d < 0) {
        return -1;
      }
      v = v << 4 | d;
    }
    return v;
  }

  private static int skipWhitespace(byte[] b, int i) {
    while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
      i++;
    }
    return i;
  }

  private static FlarestackException trailing(byte[] body, int at) {
    int n = Math.min(PREVIEW, body.length - at);
    StringBuilder preview = new StringBuilder();
    for (int k = at; k < at + n; k++) {
      int c = body[k] & 0xff;
      preview.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
    }
    return FlarestackException.invalidArgument(
        "the JSON body has data after its value at offset %d of %d: \"%s%s\"; send exactly one JSON value", at,
        body.length, preview, body.length - at > n ? "..." : "");
  }

  private static FlarestackException surrogate(int unit, int at) {
    return FlarestackException.invalidArgument(
        "the JSON body escapes an unpaired UTF-16 surrogate \\u%04x at offset %d: strings must be valid Unicode", unit,
        at);
  }
}
