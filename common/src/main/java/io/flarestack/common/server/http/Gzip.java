package io.flarestack.common.server.http;

import io.flarestack.common.errors.FlarestackException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** gzip for bodies: compression of responses and size-bounded decompression of requests. */
public final class Gzip {
  private Gzip() {}

  /** Compresses with the fastest level: responses go out once, CPU per request matters more than bytes. */
  public static byte[] compress(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 4));
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192) {
      {
        def.setLevel(Deflater.BEST_SPEED);
      }
    }) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array stream does not fail
    }
    return out.toByteArray();
  }

  /**
   * Decompresses a gzip body (one or more members), reading at most {@code limit} bytes of output,
   * so a small body that inflates without bound is refused without buffering it.
   *
   * @param what names the data in messages, e.g. {@code request body}
   * @throws BodyTooLargeException when the output would exceed {@code limit} bytes
   * @throws FlarestackException invalid_argument when the data is not valid gzip
   */
  public static byte[] decompress(byte[] data, long limit, String what) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, (int) Math.min(limit, data.length * 4L)));
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data), 8192)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        total += n;
        if (total > limit) {
          throw new BodyTooLargeException(what + " is larger than the limit of " + limit
              + " bytes once gzip-decompressed (" + data.length + " bytes compressed)");
        }
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      throw FlarestackException.invalidArgument("%s is not valid gzip: %s", what, e.getMessage());
    }
    return out.toByteArray();
  }
}
