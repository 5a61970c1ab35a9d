package io.flarestack.distributor.ingest;

import io.flarestack.common.errors.FlarestackException;

/**
 * A cursor over the unsigned LEB128 varints and length-prefixed byte strings of the legacy binary
 * upload formats (trie, tree). Every read is bounds-checked; a body that ends early or carries a
 * value past {@code Long.MAX_VALUE} is an invalid argument naming the format and the offset. Not
 * thread-safe.
 */
final class Uvarints {
  private final byte[] data;
  private final String format;
  private int pos;

  Uvarints(byte[] data, String format) {
    this.data = data;
    this.format = format;
  }

  boolean hasMore() {
    return pos < data.length;
  }

  int position() {
    return pos;
  }

  long next(String what) {
    int start = pos;
    long v = 0;
    for (int shift = 0; shift < 63; shift += 7) {
      if (pos >= data.length) {
        throw invalid("the body ends inside the %s at offset %d", what, start);
      }
      byte b = data[pos++];
      v |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return v;
      }
    }
    throw invalid("the %s at offset %d is larger than %d", what, start, Long.MAX_VALUE);
  }

  /** Reads a length-prefixed byte string of at most {@code maxLength} bytes; returns its offset. */
  int bytes(String what, long maxLength) {
    int start = pos;
    long len = next(what + " length");
    if (len > maxLength) {
      throw invalid("the %s at offset %d is %d bytes long; the limit is %d", what, start, len, maxLength);
    }
    if (len > data.length - pos) {
      throw invalid("the %s at offset %d claims %d bytes but only %d remain", what, start, len, data.length - pos);
    }
    int at = pos;
    pos += (int) len;
    return at;
  }

  FlarestackException invalid(String message, Object... args) {
    return FlarestackException.invalidArgument("malformed %s body: " + message, prepend(format, args));
  }

  private static Object[] prepend(Object first, Object[] rest) {
    Object[] all = new Object[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }
}
