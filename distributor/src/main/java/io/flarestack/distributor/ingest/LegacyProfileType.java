package io.flarestack.distributor.ingest;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * What the last dot-separated segment of an app name means for the text upload formats
 * (Pyroscope's {@code convertMetadata}): the profile name and sample type, and whether counts are
 * CPU or wall samples that a {@code sampleRate} turns into nanoseconds.
 *
 * @param metricName the {@code __name__} of the series
 * @param sampleType the pprof sample type without a sample rate
 * @param sampleUnit its unit
 * @param timedType the sample type when a sample rate applies ({@code cpu} or {@code wall}), or
 *     null when counts stay counts
 */
public record LegacyProfileType(String metricName, String sampleType, String sampleUnit, String timedType) {
  private static final Map<String, LegacyProfileType> BY_SUFFIX = Map.ofEntries(
      Map.entry("cpu", timed("process_cpu", "cpu")),
      Map.entry("itimer", timed("process_cpu", "cpu")),
      Map.entry("wall", timed("wall", "wall")),
      Map.entry("seconds", timed("wall", "wall")),
      Map.entry("nanoseconds", timed("wall", "wall")),
      Map.entry("microseconds", timed("wall", "wall")),
      Map.entry("milliseconds", timed("wall", "wall")),
      Map.entry("alloc_objects", of("memory", "alloc_objects", "count")),
      Map.entry("alloc_space", of("memory", "alloc_space", "bytes")),
      Map.entry("inuse_objects", of("memory", "inuse_objects", "count")),
      Map.entry("inuse_space", of("memory", "inuse_space", "bytes")),
      Map.entry("goroutines", of("goroutine", "goroutines", "count")),
      Map.entry("mutex_count", of("mutex", "contentions", "count")),
      Map.entry("mutex_duration", of("mutex", "delay", "nanoseconds")),
      Map.entry("block_count", of("block", "contentions", "count")),
      Map.entry("block_duration", of("block", "delay", "nanoseconds")),
      Map.entry("lock_count", of("block", "contentions", "count")),
      Map.entry("lock_duration", of("block", "delay", "nanoseconds")),
      Map.entry("alloc_in_new_tlab_objects", of("memory", "alloc_in_new_tlab_objects", "count")),
      Map.entry("alloc_in_new_tlab_bytes", of("memory", "alloc_in_new_tlab_bytes", "bytes")),
      Map.entry("alloc_outside_tlab_objects", of("memory", "alloc_outside_tlab_objects", "count")),
      Map.entry("alloc_outside_tlab_bytes", of("memory", "alloc_outside_tlab_bytes", "bytes")),
      Map.entry("live", of("memory", "live", "count")),
      Map.entry("exceptions", of("exceptions", "samples", "count")),
      Map.entry("bytes", of("memory", "samples", "bytes")));

  public LegacyProfileType {
    requireNonNull(metricName, "metricName is null");
    requireNonNull(sampleType, "sampleType is null");
    requireNonNull(sampleUnit, "sampleUnit is null");
  }

  /** The type for a suffix, or null when the suffix is unknown. */
  public static LegacyProfileType forSuffix(String suffix) {
    return BY_SUFFIX.get(suffix);
  }

  private static LegacyProfileType timed(String metric, String timedType) {
    return new LegacyProfileType(metric, "samples", "count", timedType);
  }

  private static LegacyProfileType of(String metric, String type, String unit) {
    return new LegacyProfileType(metric, type, unit, null);
  }
}
