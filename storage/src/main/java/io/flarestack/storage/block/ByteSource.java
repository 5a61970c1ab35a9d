package io.flarestack.storage.block;

import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link ByteSink} wrote. Every read checks bounds and throws
 * {@link CorruptBlockException} instead of reading garbage. Not thread-safe.
 */
final class ByteSource {
  private final byte[] buf;
  private final String what;
  private int pos;
  private final int end;

  ByteSource(byte[] buf, int offset, int length, String what) {
    this.buf = buf;
    this.pos = offset;
    this.end = offset + length;
    this.what = what;
  }

  ByteSource(byte[] buf, String what) {
    this(buf, 0, buf.length, what);
  }

  boolean hasRemaining() {
    return pos < end;
  }

  int position() {
    return pos;
  }

  private void need(int n) {
    if (n < 0 || end - pos < n) {
      throw new CorruptBlockException(what + ": truncated at byte " + pos + " (needed " + n + ", have " + (end - pos) + ")");
    }
  }

  int u8() {
    need(1);
    return buf[pos++] & 0xff;
  }

  long uvarint() {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      need(1);
      byte b = buf[pos++];
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
    }
    throw new CorruptBlockException(what + ": varint longer than 10 bytes at byte " + pos);
  }

  /** An unsigned varint that must fit a non-negative int below {@code limit}. */
  int count(long limit) {
    long v = uvarint();
    if (v < 0 || v > limit || v > Integer.MAX_VALUE) {
      throw new CorruptBlockException(what + ": count " + v + " exceeds " + limit + " at byte " + pos);
    }
    return (int) v;
  }

  long svarint() {
    long v = uvarint();
    return (v >>> 1) ^ -(v & 1);
  }

  int u32() {
    need(4);
    int v = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8) | (buf[pos + 3] & 0xff);
    pos += 4;
    return v;
  }

  long u64() {
    return ((long) u32() << 32) | (u32() & 0xffffffffL);
  }

  String string() {
    int len = count(end - pos);
    String s = new String(buf, pos, len, StandardCharsets.UTF_8);
    pos += len;
    return s;
  }

  byte[] bytes(int len) {
    need(len);
    byte[] out = java.util.Arrays.copyOfRange(buf, pos, pos + len);
    pos += len;
    return out;
  }
}
