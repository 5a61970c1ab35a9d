package io.flarestack.distributor.otlp;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.flarestack.common.edge.http.HttpHandler;
import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.io.Gzip;
import io.flarestack.common.io.ProtoGuard;
import io.flarestack.common.io.RequestMemory;
import io.flarestack.common.limits.Limits;
import io.flarestack.common.limits.TenantLimits;
import io.flarestack.common.tenant.Tenant;
import io.opentelemetry.proto.collector.profiles.v1development.ExportProfilesServiceRequest;
import io.opentelemetry.proto.collector.profiles.v1development.ExportProfilesServiceResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * OTLP/HTTP profiles, {@code POST /v1development/profiles}. The Content-Type must be exactly
 * {@code application/x-protobuf}, {@code application/protobuf} or {@code application/json}
 * (protobuf JSON, which must be valid UTF-8 and one JSON value, see {@link ProtoGuard#checkJson});
 * {@code Content-Encoding: gzip} is decoded, bounded by the ingestion body limit, and any other
 * encoding than gzip or identity is refused with 415 (a missing Content-Type too).
 *
 * <p>Success is 200 with a binary {@code ExportProfilesServiceResponse} (also for JSON requests,
 * as Pyroscope answers). Errors are plain text, as OTLP exporters log them: 400 for a body that
 * does not decode or convert and for validation, 401 without a tenant, 413 over the body limit,
 * 415 for another Content-Type, 429 over the rate limit, 5xx when the ingesters fail (exporters
 * retry those). Thread-safe.
 */
public final class OtlpHttpHandler implements HttpHandler {
  private static final Set<String> PROTOBUF = Set.of("application/x-protobuf", "application/protobuf");
  private static final String JSON = "application/json";
  private static final byte[] OK = ExportProfilesServiceResponse.getDefaultInstance().toByteArray();

  private final OtlpIngest ingest;
  private final boolean multitenancyEnabled;
  private final TenantLimits limits;
  private final ProtoGuard guard;

  /**
   * @param guard the decoding guard of {@code ExportProfilesServiceRequest} (its limits, and what
   *     decoding may hold of the request's memory)
   */
  public OtlpHttpHandler(OtlpIngest ingest, boolean multitenancyEnabled, TenantLimits limits, ProtoGuard guard) {
    this.ingest = requireNonNull(ingest, "ingest is null");
    this.multitenancyEnabled = multitenancyEnabled;
    this.limits = requireNonNull(limits, "limits is null");
    this.guard = requireNonNull(guard, "guard is null");
  }

  @Override
  public HttpResponse handle(HttpRequest request) {
    try {
      String tenant = Tenant.resolve(multitenancyEnabled, request.headerValues(Tenant.HEADER));
      String contentType = request.header("Content-Type");
      boolean json = JSON.equals(contentType);
      if (contentType == null || (!json && !PROTOBUF.contains(contentType))) {
        return HttpResponse.text(415, "Unsupported Content-Type: " + (contentType == null ? "(none)" : preview(contentType))
            + "; use application/x-protobuf, application/protobuf or application/json");
      }
      long limit = limits.forTenant(tenant).ingestionBodyLimitBytes();
      byte[] body = request.body();
      if (limit > 0 && body.length > limit) {
        return tooLarge(body.length, limit);
      }
      String encoding = request.header("Content-Encoding");
      String coding = encoding == null ? "" : encoding.strip().toLowerCase(Locale.ROOT);
      if (coding.equals("gzip")) {
        body = gunzip(body, limit, request.memory());
        if (body == null) {
          return tooLarge(-1, limit);
        }
      } else if (!coding.isEmpty() && !coding.equals("identity")) {
        return HttpResponse.text(415, "Unsupported Content-Encoding: " + preview(encoding) + "; use gzip or none");
      }
      ingest.export(tenant, parse(body, json, request.memory()));
      return HttpResponse.ok("application/x-protobuf", OK);
    } catch (FlarestackException e) {
      return HttpResponse.text(e.httpStatus(), e.getMessage());
    }
  }

  private ExportProfilesServiceRequest parse(byte[] body, boolean json, RequestMemory memory) {
    try {
      if (json) {
        guard.checkJson(body, memory, "the OTLP export request");
      } else {
        guard.check(body, memory, "the OTLP export request");
      }
    } catch (FlarestackException e) {
      if (e.code() != ErrorCode.INVALID_ARGUMENT) {
        throw e; // a limit of the request's memory
      }
      throw FlarestackException.invalidArgument("Failed to parse %s request (%d bytes): %s", json ? "JSON" : "protobuf",
          body.length, e.getMessage());
    }
    try {
      if (json) {
        ExportProfilesServiceRequest.Builder b = ExportProfilesServiceRequest.newBuilder();
        JsonFormat.parser().merge(new String(body, StandardCharsets.UTF_8), b);
        return b.build();
      }
      return ExportProfilesServiceRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException | RuntimeException e) { // the JSON parser reports some errors unchecked
      throw FlarestackException.invalidArgument("Failed to parse %s request (%d bytes): %s",
          json ? "JSON" : "protobuf", body.length, e.getMessage());
    }
  }

  private static byte[] gunzip(byte[] body, long limit, RequestMemory memory) {
    try {
      return Gzip.gunzip(body, limit > 0 ? limit : Long.MAX_VALUE, memory);
    } catch (IOException e) {
      throw FlarestackException.invalidArgument("Failed to read request body: the body is not valid gzip (%s)",
          e.getMessage());
    }
  }

  private static String preview(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "...";
  }

  private static HttpResponse tooLarge(long size, long limit) {
    String what = size < 0 ? "the decompressed request body" : "the request body (" + size + " bytes)";
    return HttpResponse.text(413, what + " exceeds the limit of " + limit + " bytes ("
        + Limits.INGESTION_BODY_LIMIT.describe() + ")");
  }
}
