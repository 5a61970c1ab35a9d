package io.flarestack.common.model.pprof;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.io.Gzip;
import io.flarestack.common.io.RequestMemory;
import java.io.IOException;

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
    return Gzip.isGzip(bytes);
  }

  private static byte[] gunzip(byte[] bytes, long max) {
    try {
      byte[] out = Gzip.gunzip(bytes, max, RequestMemory.current());
      if (out == null) {
        throw tooLarge(max);
      }
      return out;
    } catch (IOException e) {
      throw new FlarestackException(ErrorCode.INVALID_ARGUMENT, "invalid pprof: gzip: " + e.getMessage(), e);
    }
  }

  private static FlarestackException tooLarge(long max) {
    return FlarestackException.invalidArgument(
        "decompressed pprof exceeds the limit of %d bytes", max);
  }
}
