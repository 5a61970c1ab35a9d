package io.flarestack.distributor;

import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.common.config.Option;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.io.ProtoGuard;
import io.flarestack.common.io.RequestGuards;
import io.opentelemetry.proto.collector.profiles.v1development.ExportProfilesServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.profiles.v1development.ScopeProfiles;
import io.opentelemetry.proto.resource.v1.Resource;

/**
 * The decoding guards of the write path's requests ({@link ProtoGuard}): a push request
 * ({@code push.v1.PushRequest}) and an OTLP export are counted while they are decoded (series,
 * profiles, samples, labels) against {@link DistributorConfig}'s per-request limits (one pprof is
 * guarded by {@link io.flarestack.distributor.pprof.PprofDecoder}). Immutable and thread-safe.
 */
public final class IngestGuards {
  private final ProtoGuard push;
  private final ProtoGuard otlp;

  public IngestGuards(DistributorConfig config) {
    this.push = ProtoGuard.builder(PushRequest.getDescriptor())
        .limit(PushRequest.getDescriptor().findFieldByNumber(PushRequest.SERIES_FIELD_NUMBER),
            config.maxSeriesPerRequest(), n -> tooMany("series", config.maxSeriesPerRequest(),
                DistributorConfig.MAX_SERIES_PER_REQUEST))
        .limit(RawProfileSeries.getDescriptor().findFieldByNumber(RawProfileSeries.SAMPLES_FIELD_NUMBER),
            config.maxProfilesPerRequest(), n -> tooMany("profiles", config.maxProfilesPerRequest(),
                DistributorConfig.MAX_PROFILES_PER_REQUEST))
        .limit(RawProfileSeries.getDescriptor().findFieldByNumber(RawProfileSeries.LABELS_FIELD_NUMBER),
            config.maxLabelsPerRequest(), n -> tooMany("series labels", config.maxLabelsPerRequest(),
                DistributorConfig.MAX_LABELS_PER_REQUEST))
        .build();
    this.otlp = ProtoGuard.builder(ExportProfilesServiceRequest.getDescriptor())
        .limit(ScopeProfiles.getDescriptor().findFieldByNumber(ScopeProfiles.PROFILES_FIELD_NUMBER),
            config.maxProfilesPerRequest(), n -> tooMany("profiles", config.maxProfilesPerRequest(),
                DistributorConfig.MAX_PROFILES_PER_REQUEST))
        .limit(io.opentelemetry.proto.profiles.v1development.Profile.getDescriptor().findFieldByNumber(
                io.opentelemetry.proto.profiles.v1development.Profile.SAMPLES_FIELD_NUMBER),
            config.maxSamplesPerRequest(), n -> tooMany("samples", config.maxSamplesPerRequest(),
                DistributorConfig.MAX_SAMPLES_PER_REQUEST))
        .limit(Resource.getDescriptor().findFieldByNumber(Resource.ATTRIBUTES_FIELD_NUMBER),
            config.maxLabelsPerRequest(), n -> tooMany("resource attributes", config.maxLabelsPerRequest(),
                DistributorConfig.MAX_LABELS_PER_REQUEST))
        .limit(InstrumentationScope.getDescriptor().findFieldByNumber(InstrumentationScope.ATTRIBUTES_FIELD_NUMBER),
            config.maxLabelsPerRequest(), n -> tooMany("scope attributes", config.maxLabelsPerRequest(),
                DistributorConfig.MAX_LABELS_PER_REQUEST))
        .build();
  }

  /** Registers the push and OTLP request guards with the server's. */
  public void registerWith(RequestGuards guards) {
    guards.register(push);
    guards.register(otlp);
  }

  public ProtoGuard push() {
    return push;
  }

  public ProtoGuard otlp() {
    return otlp;
  }

  private static FlarestackException tooMany(String what, int limit, Option<Integer> option) {
    return FlarestackException.invalidArgument("the request has more than %d %s, the limit (%s)", limit, what,
        option.describe());
  }
}
