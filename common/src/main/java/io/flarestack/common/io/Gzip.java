package io.flarestack.common.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Gzip with a bound on what decompression may produce: a stream that inflates past the limit
 * is detected after at most one byte more than the limit, so a gzip bomb costs no more memory
 * than a legitimate payload of the limit's size. Every place that inflates untrusted input
 * (pprof payloads, request bodies) goes through here.
 */
public final class Gzip {
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 16;
  private static final int MIN_BUFFER = 8 << 10;

  private Gzip() {}

  /** Whether the bytes start with the gzip magic number 1f 8b. */
  public static boolean isGzip(byte[] bytes) {
    return bytes.length >= 2 && bytes[0] == (byte) 0x1f && bytes[1] == (byte) 0x8b;
  }

  /**
   * Inflates a gzip stream.
   *
   * @param compressed the gzip stream (closed by this method)
   * @param sizeHint the compressed size, to size the first buffer
   * @param limit the most bytes the output may have
   * @return the inflated bytes, or null when the output would exceed {@code limit}
   * @throws java.io.EOFException when the stream is truncated
   * @throws IOException when the stream is not valid gzip
   */
  public static byte[] gunzip(InputStream compressed, long sizeHint, long limit) throws IOException {
    try (InputStream in = new GZIPInputStream(compressed, 8192)) {
      long cap = Math.min(limit, MAX_ARRAY - 1) + 1; // one byte past the limit tells "too large"
      byte[] buf = new byte[(int) Math.min(cap, Math.max(MIN_BUFFER, sizeHint * 4))];
      int n = 0;
      while (true) {
        if (n == buf.length) {
          if (n >= cap) {
            break;
          }
          buf = Arrays.copyOf(buf, (int) Math.min(cap, (long) buf.length * 2));
        }
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      if (n > limit) {
        return null;
      }
      return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }
  }

  /** Compresses with the default level. */
  public static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 4));
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192)) {
      gz.write(data);
    } catch (IOException e) {
      throw new IllegalStateException("gzip to memory failed", e);
    }
    return out.toByteArray();
  }
}
