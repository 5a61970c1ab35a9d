package io.flarestack.bench.fleet;

import static java.util.Objects.requireNonNull;

import java.util.SortedMap;

/**
 * One upload, ready to send.
 *
 * @param planned when, who and what
 * @param labels series labels without {@code __name__}, sorted by name
 * @param metricName the {@code __name__} ({@code process_cpu}, {@code memory}); for JFR the app
 *     name suffix is irrelevant and this is {@code process_cpu}
 * @param spyName legacy {@code spyName}
 * @param body gzipped pprof, or the gzipped JFR as an agent uploads it
 * @param rawBytes decompressed payload size (the "raw" of MB/s raw)
 * @param durationNanos the span the profile covers (the upload interval): {@code until - from}
 */
public record Upload(Planned planned, SortedMap<String, String> labels, String metricName, String spyName,
    byte[] body, long rawBytes, long durationNanos) {
  public Upload {
    requireNonNull(planned, "planned is null");
    requireNonNull(labels, "labels is null");
    requireNonNull(metricName, "metricName is null");
    requireNonNull(spyName, "spyName is null");
    requireNonNull(body, "body is null");
  }
}
