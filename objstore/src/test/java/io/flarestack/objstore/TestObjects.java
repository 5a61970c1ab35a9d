package io.flarestack.objstore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Deterministic object contents generated on the fly, so large objects never sit in a byte[]. */
public final class TestObjects {
  private TestObjects() {}

  /** The byte at {@code position} of the pattern with {@code seed}: cheap, and different for every offset within 2^24. */
  public static byte patternByte(long seed, long position) {
    long x = position * 0x9E3779B97F4A7C15L + seed;
    x ^= x >>> 29;
    x *= 0xBF58476D1CE4E5B9L;
    return (byte) (x >>> 56);
  }

  /** {@code length} bytes of the pattern, generated while read. */
  public static InputStream pattern(long seed, long length) {
    return new InputStream() {
      private long position;

      @Override
      public int read() {
        return position < length ? patternByte(seed, position++) & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (len == 0) {
          return 0;
        }
        if (position >= length) {
          return -1;
        }
        int n = (int) Math.min(len, length - position);
        for (int i = 0; i < n; i++) {
          b[off + i] = patternByte(seed, position++);
        }
        return n;
      }
    };
  }

  /** The pattern's bytes {@code [offset, offset + length)}, for small expected ranges. */
  public static byte[] patternBytes(long seed, long offset, int length) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      out[i] = patternByte(seed, offset + i);
    }
    return out;
  }

  /** SHA-256 of a stream, read in small chunks; closes it. */
  public static String sha256(InputStream in) throws IOException {
    try (in) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Total bytes of a stream; closes it. */
  public static long count(InputStream in) throws IOException {
    try (in) {
      return in.transferTo(java.io.OutputStream.nullOutputStream());
    }
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public static String readUtf8(InputStream in) throws IOException {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
