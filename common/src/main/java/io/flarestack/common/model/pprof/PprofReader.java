package io.flarestack.common.model.pprof;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Parses pprof payloads as clients send them: raw protobuf or gzip, told apart by the gzip magic
 * bytes {@code 1f 8b} (file names and headers are unreliable). Stateless and thread-safe.
 */
public final class PprofReader {
  private PprofReader() {}

  /**
   * Parses a raw or gzipped pprof.
   *
   * @param maxDecompressedBytes limit on the protobuf payload: the decompressed size for gzip
   *     input, the input size otherwise
   * @throws FlarestackException {@code INVALID_ARGUMENT} when the payload exceeds the limit, the
   *     gzip stream is corrupt or truncated, or the protobuf does not parse ("invalid pprof: ...")
   */
  public static Profile parse(byte[] bytes, long maxDecompressedBytes) {
    requireNonNull(bytes, "bytes is null");
    if (maxDecompressedBytes <= 0) {
      throw new IllegalArgumentException("maxDecompressedBytes must be positive: " + maxDecompressedBytes);
    }
    byte[] data = isGzip(bytes) ? gunzip(bytes, maxDecompressedBytes) : bytes;
    if (data.length > maxDecompressedBytes) {
      throw tooLarge(maxDecompressedBytes);
    }
    try {
      return Profile.parseFrom(data);
    } catch (InvalidProtocolBufferException e) {
      throw new FlarestackException(ErrorCode.INVALID_ARGUMENT, "invalid pprof: " + e.getMessage(), e);
    }
  }

  /** Whether {@code bytes} start with the gzip magic number. */
  public static boolean isGzip(byte[] bytes) {
    return bytes.length >= 2 && bytes[0] == (byte) 0x1f && bytes[1] == (byte) 0x8b;
  }

  private static byte[] gunzip(byte[] bytes, long max) {
    // The largest array we make; reading one byte past a full buffer tells "exactly max" apart
    // from "more than max" without buffering the excess.
    int cap = (int) Math.min(max, Integer.MAX_VALUE - 16);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes), 8192)) {
      byte[] buf = new byte[(int) Math.min(cap, Math.max(4096L, bytes.length * 4L))];
      int size = 0;
      while (true) {
        if (size == buf.length) {
          if (size == cap) {
            if (in.read() < 0) {
              break;
            }
            throw tooLarge(cap);
          }
          buf = Arrays.copyOf(buf, (int) Math.min(cap, size * 2L));
        }
        int n = in.read(buf, size, buf.length - size);
        if (n < 0) {
          break;
        }
        size += n;
      }
      return size == buf.length ? buf : Arrays.copyOf(buf, size);
    } catch (IOException e) {
      throw new FlarestackException(ErrorCode.INVALID_ARGUMENT, "invalid pprof: gzip: " + e.getMessage(), e);
    }
  }

  private static FlarestackException tooLarge(long max) {
    return FlarestackException.invalidArgument(
        "decompressed pprof exceeds the limit of %d bytes", max);
  }
}
