package io.flarestack.distributor.otlp;

import io.flarestack.api.google.v1.Profile;
import io.opentelemetry.proto.profiles.v1development.ProfilesDictionary;
import io.opentelemetry.proto.profiles.v1development.Sample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts one OTLP profile into pprof profiles, one per {@code service.name} its samples carry
 * (samples without one share the profile of the empty name, which takes the resource's service
 * name later). See {@link ProfileShape} for names and values and {@link PprofWriter} for the
 * pprof layout. Stateless.
 */
final class OtlpProfileConverter {
  private OtlpProfileConverter() {}

  /**
   * One converted profile.
   *
   * @param sampleServiceName the samples' {@code service.name}, or "" when they carry none
   * @param metricName the {@code __name__} of its series
   * @param profile the pprof
   */
  record Converted(String sampleServiceName, String metricName, Profile profile) {}

  /**
   * @param nowNanos the time used when the profile has none
   * @return the profiles in first-seen service order; empty when the profile has no sample
   * @throws io.flarestack.common.errors.FlarestackException invalid_argument naming what does not
   *     fit (an index outside the dictionary, a sample without value, a missing sample type)
   */
  static List<Converted> convert(io.opentelemetry.proto.profiles.v1development.Profile src, ProfilesDictionary dict,
      MappingFlags flags, long nowNanos) {
    if (src.getSamplesCount() == 0) {
      return List.of();
    }
    ProfileShape shape = ProfileShape.of(src, dict);
    Map<String, PprofWriter> byService = new LinkedHashMap<>();
    for (int i = 0; i < src.getSamplesCount(); i++) {
      Sample s = src.getSamples(i);
      String service = OtlpAttributes.find(dict, s.getAttributeIndicesList(), OtlpAttributes.SERVICE_NAME);
      byService.computeIfAbsent(service, k -> new PprofWriter(src, dict, flags, shape, nowNanos)).add(s, i);
    }
    List<Converted> out = new ArrayList<>(byService.size());
    for (Map.Entry<String, PprofWriter> e : byService.entrySet()) {
      out.add(new Converted(e.getKey(), shape.metricName(), e.getValue().build()));
    }
    return out;
  }
}
