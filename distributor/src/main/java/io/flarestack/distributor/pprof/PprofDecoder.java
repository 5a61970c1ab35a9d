package io.flarestack.distributor.pprof;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.io.Gzip;
import io.flarestack.common.io.ProtoGuard;
import io.flarestack.common.io.RequestMemory;
import io.flarestack.common.limits.Limits;
import io.flarestack.distributor.DiscardException;
import io.flarestack.distributor.DiscardReason;
import java.io.EOFException;
import java.io.IOException;

/**
 * Decodes a pprof that may be gzipped (detected by the magic bytes {@code 1f 8b}, never by a
 * name or header) with bounded decompression: a stream that inflates past the limit is rejected
 * after reading at most one byte more than the limit, so a gzip bomb costs no more memory than an
 * honest profile of the maximum size. Before the profile is parsed, {@link ProtoGuard} walks it,
 * counts its samples against {@code max_profile_stacktrace_samples} and reserves what parsing
 * will hold from the request's {@link RequestMemory}, which the inflated bytes are reserved from
 * too. Stateless and thread-safe.
 */
public final class PprofDecoder {
  // Immutable; its one limit, the sample count, is given per call (it is per tenant).
  private static final ProtoGuard GUARD = ProtoGuard.builder(Profile.getDescriptor())
      .limit(Profile.getDescriptor().findFieldByNumber(Profile.SAMPLE_FIELD_NUMBER), Long.MAX_VALUE,
          n -> DiscardException.invalid(DiscardReason.SAMPLES_LIMIT,
              "the profile exceeds the samples count limit (max_profile_stacktrace_samples, actual: more than %d,"
                  + " limit: %d, %s)", n - 1, n - 1, Limits.MAX_PROFILE_STACKTRACE_SAMPLES.describe()))
      .build();

  private PprofDecoder() {}

  /** Whether {@code data} starts with the gzip magic bytes. */
  public static boolean isGzip(ByteString data) {
    return data.size() >= 2 && data.byteAt(0) == (byte) 0x1f && data.byteAt(1) == (byte) 0x8b;
  }

  /** As {@link #decode(ByteString, long, long, int)}, for an array the caller does not change afterwards. */
  public static DecodedProfile decode(byte[] data, long maxProfileSize, long remainingBody, int maxSamples) {
    return decode(UnsafeByteOperations.unsafeWrap(data), maxProfileSize, remainingBody, maxSamples);
  }

  /** As {@link #decode(ByteString, long, long, int)} without a sample limit. */
  public static DecodedProfile decode(byte[] data, long maxProfileSize, long remainingBody) {
    return decode(data, maxProfileSize, remainingBody, 0);
  }

  /**
   * Decompresses (when gzipped) and parses one profile.
   *
   * @param data the raw bytes, gzipped or not
   * @param maxProfileSize {@code max_profile_size_bytes}; 0 means no per-profile limit
   * @param remainingBody how many decompressed bytes the enclosing request may still carry
   *     ({@code ingestion_body_limit} minus the profiles before this one; {@link Long#MAX_VALUE}
   *     when there is no body limit); 0 or less leaves no room
   * @param maxSamples {@code max_profile_stacktrace_samples}; 0 means no limit
   * @throws DiscardException invalid_argument: reason {@code profile_size_limit} or
   *     {@code body_size_limit_exceeded} when too large, {@code samples_limit} for too many
   *     samples, {@code malformed_profile} when the bytes are not a pprof (truncated, garbage,
   *     invalid UTF-8 in a string)
   * @throws io.flarestack.common.errors.FlarestackException what {@link RequestMemory#reserve}
   *     throws when the request may not hold the inflated or parsed profile
   */
  public static DecodedProfile decode(ByteString data, long maxProfileSize, long remainingBody, int maxSamples) {
    RequestMemory memory = RequestMemory.current();
    long profileLimit = maxProfileSize > 0 ? maxProfileSize : Long.MAX_VALUE;
    long bodyLimit = Math.max(remainingBody, 0);
    long limit = Math.min(profileLimit, bodyLimit);
    ByteString bytes;
    boolean gzip = isGzip(data);
    if (gzip) {
      bytes = UnsafeByteOperations.unsafeWrap(gunzip(data, limit, profileLimit, bodyLimit, memory));
    } else {
      if (data.size() > limit) {
        throw tooLarge(data.size(), false, profileLimit, bodyLimit, limit);
      }
      bytes = data;
    }
    int size = bytes.size();
    try {
      GUARD.check(bytes, memory, "the profile", maxSamples > 0 ? maxSamples : Long.MAX_VALUE);
    } catch (DiscardException e) {
      throw e;
    } catch (FlarestackException e) {
      if (e.code() != ErrorCode.INVALID_ARGUMENT) {
        throw e; // the request's memory: not the profile's fault
      }
      throw DiscardException.invalid(DiscardReason.MALFORMED_PROFILE, "invalid pprof: %s (%d bytes%s)", e.getMessage(),
          size, gzip ? " after gzip decompression" : "");
    }
    try {
      return new DecodedProfile(Profile.parseFrom(bytes), size);
    } catch (InvalidProtocolBufferException e) {
      String message = e.getMessage() == null ? "" : e.getMessage();
      if (message.contains("UTF-8")) {
        throw DiscardException.invalid(DiscardReason.MALFORMED_PROFILE,
            "invalid pprof: a string is not valid UTF-8 (protobuf strings must be UTF-8; %d bytes%s)", size,
            gzip ? " after gzip decompression" : "");
      }
      throw DiscardException.invalid(DiscardReason.MALFORMED_PROFILE, "invalid pprof: %s (%d bytes%s)", message, size,
          gzip ? " after gzip decompression" : "");
    }
  }

  private static byte[] gunzip(ByteString data, long limit, long profileLimit, long bodyLimit, RequestMemory memory) {
    try {
      byte[] out = Gzip.gunzip(data.newInput(), data.size(), limit, memory);
      if (out == null) {
        throw tooLarge(limit + 1, true, profileLimit, bodyLimit, limit);
      }
      return out;
    } catch (EOFException e) {
      throw DiscardException.invalid(DiscardReason.MALFORMED_PROFILE,
          "invalid pprof: truncated gzip stream (%d compressed bytes)", data.size());
    } catch (IOException e) {
      throw DiscardException.invalid(DiscardReason.MALFORMED_PROFILE, "invalid pprof: corrupt gzip stream: %s (%d compressed bytes)",
          e.getMessage(), data.size());
    }
  }

  private static DiscardException tooLarge(long actual, boolean gzip, long profileLimit, long bodyLimit, long limit) {
    String size = gzip ? "more than " + limit + " bytes after gzip decompression" : actual + " bytes";
    if (profileLimit <= bodyLimit) {
      return new DiscardException(ErrorCode.INVALID_ARGUMENT, DiscardReason.PROFILE_SIZE_LIMIT, String.format(
          "the profile exceeds the size limit (max_profile_size_bytes, actual: %s, limit: %d, %s)", size, profileLimit,
          Limits.MAX_PROFILE_SIZE_BYTES.describe()));
    }
    return new DiscardException(ErrorCode.INVALID_ARGUMENT, DiscardReason.BODY_SIZE_LIMIT, String.format(
        "the request exceeds the body size limit (ingestion_body_limit, profile: %s, remaining for this profile: %d, %s)",
        size, limit, Limits.INGESTION_BODY_LIMIT.describe()));
  }
}
