package io.flarestack.distributor.otlp;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.UnsafeByteOperations;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.api.push.v1.RawSample;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.LabelNames;
import io.flarestack.distributor.Distributor;
import io.opentelemetry.proto.collector.profiles.v1development.ExportProfilesServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.profiles.v1development.ProfilesDictionary;
import io.opentelemetry.proto.profiles.v1development.ResourceProfiles;
import io.opentelemetry.proto.profiles.v1development.ScopeProfiles;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * OTLP profiles ingestion shared by the HTTP endpoint and the {@code ProfilesService/Export} RPC:
 * converts every profile of an export request to pprof ({@link OtlpProfileConverter}) and pushes
 * them through {@link Distributor#push} as one request.
 *
 * <p>Series labels, in order (a name already present is not added again): {@code __delta__="false"}
 * (OTLP values are deltas), {@code __otel__="true"}, {@code __name__}, {@code service_name} (the
 * samples' {@code service.name}, else the resource's, else {@code unknown_service}, with
 * {@code :<process.executable.name>} when the resource names its executable), then the resource
 * attributes and the scope attributes that read as label values.
 *
 * <p>The whole request is converted before anything is pushed, so a request with one bad profile
 * stores nothing (Pyroscope pushes profile by profile and may store a prefix). Thread-safe.
 */
public final class OtlpIngest {
  static final String UNKNOWN_SERVICE = "unknown_service";

  private final Distributor distributor;
  private final Clock clock;

  public OtlpIngest(Distributor distributor, Clock clock) {
    this.distributor = requireNonNull(distributor, "distributor is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /**
   * Ingests an export request for {@code tenant}.
   *
   * @throws FlarestackException invalid_argument when the request has no dictionary or resource
   *     profiles or a profile does not convert (the message names what and where); otherwise the
   *     distributor's errors (validation, rate limit, ingester failures)
   */
  public void export(String tenant, ExportProfilesServiceRequest request) {
    requireNonNull(tenant, "tenant is null");
    requireNonNull(request, "request is null");
    PushRequest push = toPush(request, nanos(clock.instant()));
    if (push.getSeriesCount() > 0) {
      distributor.push(tenant, push);
    }
  }

  static PushRequest toPush(ExportProfilesServiceRequest request, long nowNanos) {
    if (!request.hasDictionary()) {
      throw FlarestackException.invalidArgument("missing profile metadata dictionary");
    }
    if (request.getResourceProfilesCount() == 0) {
      throw FlarestackException.invalidArgument("missing resource profiles");
    }
    ProfilesDictionary dict = request.getDictionary();
    MappingFlags flags = MappingFlags.of(dict);
    PushRequest.Builder push = PushRequest.newBuilder();
    for (int r = 0; r < request.getResourceProfilesCount(); r++) {
      ResourceProfiles rp = request.getResourceProfiles(r);
      List<KeyValue> resourceAttrs = rp.getResource().getAttributesList();
      String resourceService = serviceName(resourceAttrs);
      for (int s = 0; s < rp.getScopeProfilesCount(); s++) {
        ScopeProfiles sp = rp.getScopeProfiles(s);
        for (int p = 0; p < sp.getProfilesCount(); p++) {
          List<OtlpProfileConverter.Converted> converted;
          try {
            converted = OtlpProfileConverter.convert(sp.getProfiles(p), dict, flags, nowNanos);
          } catch (FlarestackException e) {
            throw new FlarestackException(e.code(), String.format(
                "failed to convert otel profile (resource_profiles[%d].scope_profiles[%d].profiles[%d]): %s",
                r, s, p, e.getMessage()), e);
          }
          for (OtlpProfileConverter.Converted c : converted) {
            String service = c.sampleServiceName().isEmpty() ? resourceService : c.sampleServiceName();
            push.addSeries(RawProfileSeries.newBuilder()
                .addAllLabels(labels(c.metricName(), service, resourceAttrs, sp.getScope().getAttributesList()))
                .addSamples(RawSample.newBuilder()
                    .setRawProfile(UnsafeByteOperations.unsafeWrap(c.profile().toByteArray()))
                    .setID(UUID.randomUUID().toString())));
          }
        }
      }
    }
    return push.build();
  }

  /** The resource's service name: {@code service.name}, else {@code unknown_service[:<executable>]}. */
  static String serviceName(List<KeyValue> resourceAttrs) {
    String name = OtlpAttributes.find(resourceAttrs, OtlpAttributes.SERVICE_NAME);
    if (!name.isEmpty()) {
      return name;
    }
    String exe = OtlpAttributes.find(resourceAttrs, OtlpAttributes.PROCESS_EXECUTABLE_NAME);
    return exe.isEmpty() ? UNKNOWN_SERVICE : UNKNOWN_SERVICE + ":" + exe;
  }

  private static List<LabelPair> labels(String metricName, String service, List<KeyValue> resourceAttrs,
      List<KeyValue> scopeAttrs) {
    List<LabelPair> labels = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    add(labels, seen, LabelNames.DELTA, "false");
    add(labels, seen, LabelNames.OTEL, "true");
    add(labels, seen, LabelNames.METRIC_NAME, metricName);
    add(labels, seen, LabelNames.SERVICE_NAME, service);
    for (List<KeyValue> attrs : List.of(resourceAttrs, scopeAttrs)) {
      for (KeyValue kv : attrs) {
        String v = OtlpAttributes.labelValue(kv.getValue());
        if (!v.isEmpty()) {
          add(labels, seen, kv.getKey(), v);
        }
      }
    }
    return labels;
  }

  private static void add(List<LabelPair> labels, Set<String> seen, String name, String value) {
    if (seen.add(name)) {
      labels.add(LabelPair.newBuilder().setName(name).setValue(value).build());
    }
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
