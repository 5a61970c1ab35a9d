package io.flarestack.common.io;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * gzip, and the one way untrusted gzip is inflated ({@link #gunzip}): the output is bounded by a
 * limit, detected after at most one byte more than the limit, and every buffer it grows is first
 * reserved from the request's {@link RequestMemory}. A gzip bomb therefore costs no more memory
 * than an honest payload of the limit's size, and no more than the request may hold.
 */
public final class Gzip {
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 16;
  private static final int MIN_BUFFER = 8 << 10;

  private Gzip() {}

  /** Whether the bytes start with the gzip magic number 1f 8b. */
  public static boolean isGzip(byte[] bytes) {
    return bytes.length >= 2 && bytes[0] == (byte) 0x1f && bytes[1] == (byte) 0x8b;
  }

  /** As {@link #gunzip(InputStream, long, long, RequestMemory)} over an array. */
  public static byte[] gunzip(byte[] compressed, long limit, RequestMemory memory) throws IOException {
    return gunzip(new ByteArrayInputStream(compressed), compressed.length, limit, memory);
  }

  /**
   * Inflates a gzip stream (one or more members).
   *
   * @param compressed the gzip stream (closed by this method)
   * @param sizeHint the compressed size, to size the first buffer
   * @param limit the most bytes the output may have
   * @param memory the request's reservation; the output buffer is reserved from it as it grows and
   *     stays reserved (the caller holds the result)
   * @return the inflated bytes, or null when the output would exceed {@code limit} (the caller
   *     words that refusal, naming its own limit)
   * @throws java.io.EOFException when the stream is truncated
   * @throws IOException when the stream is not valid gzip
   * @throws io.flarestack.common.errors.FlarestackException from {@link RequestMemory#reserve} when
   *     the request may not hold more memory
   */
  public static byte[] gunzip(InputStream compressed, long sizeHint, long limit, RequestMemory memory)
      throws IOException {
    String what = "the gzip-decompressed data";
    try (InputStream in = new GZIPInputStream(compressed, 8192)) {
      long cap = Math.min(limit, MAX_ARRAY - 1) + 1; // one byte past the limit tells "too large"
      int first = (int) Math.min(cap, Math.max(MIN_BUFFER, Math.min(sizeHint, MAX_ARRAY / 4) * 4));
      memory.reserve(first, what);
      byte[] buf = new byte[first];
      int n = 0;
      while (true) {
        if (n == buf.length) {
          if (n >= cap) {
            break;
          }
          int grown = (int) Math.min(cap, (long) buf.length * 2);
          memory.reserve(grown, what);
          byte[] bigger = Arrays.copyOf(buf, grown);
          memory.release(buf.length);
          buf = bigger;
        }
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      if (n > limit) {
        memory.release(buf.length);
        return null;
      }
      if (n == buf.length) {
        return buf;
      }
      memory.reserve(n, what);
      byte[] out = Arrays.copyOf(buf, n);
      memory.release(buf.length);
      return out;
    }
  }

  /** Compresses with the default level. */
  public static byte[] gzip(byte[] data) {
    return compress(data, Deflater.DEFAULT_COMPRESSION);
  }

  /** Compresses with the fastest level: responses go out once, CPU per request matters more than bytes. */
  public static byte[] gzipFast(byte[] data) {
    return compress(data, Deflater.BEST_SPEED);
  }

  private static byte[] compress(byte[] data, int level) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 4));
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192) {
      {
        def.setLevel(level);
      }
    }) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array stream does not fail
    }
    return out.toByteArray();
  }
}
