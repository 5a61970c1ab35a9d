package io.flarestack.distributor.ingest.jfr;

import java.util.List;

/**
 * The profiles one JFR recording turns into, with Pyroscope's names, sample types and period
 * types (pyroscope-api.md §5.3). Samples of the {@linkplain #timed() timed} kinds are counts
 * that become nanoseconds ({@code count × 1e9 / sampleRate}).
 */
enum ProfileKind {
  CPU("process_cpu", List.of("cpu", "nanoseconds"), "cpu", "nanoseconds", true),
  WALL("wall", List.of("wall", "nanoseconds"), "wall", "nanoseconds", true),
  ALLOC_IN_NEW_TLAB("memory",
      List.of("alloc_in_new_tlab_objects", "count", "alloc_in_new_tlab_bytes", "bytes"), "space", "bytes", false),
  ALLOC_OUTSIDE_TLAB("memory",
      List.of("alloc_outside_tlab_objects", "count", "alloc_outside_tlab_bytes", "bytes"), "space", "bytes", false),
  ALLOC_SAMPLE("memory", List.of("alloc_sample_objects", "count", "alloc_sample_bytes", "bytes"), "space", "bytes", false),
  MUTEX("mutex", List.of("contentions", "count", "delay", "nanoseconds"), "mutex", "count", false),
  BLOCK("block", List.of("contentions", "count", "delay", "nanoseconds"), "block", "count", false),
  LIVE("memory", List.of("live", "count"), "objects", "count", false),
  MALLOC("memory", List.of("malloc_objects", "count", "malloc_bytes", "bytes"), null, null, false);

  private final String metricName;
  private final List<String> sampleTypes;
  private final String periodType;
  private final String periodUnit;
  private final boolean timed;

  ProfileKind(String metricName, List<String> sampleTypes, String periodType, String periodUnit, boolean timed) {
    this.metricName = metricName;
    this.sampleTypes = sampleTypes;
    this.periodType = periodType;
    this.periodUnit = periodUnit;
    this.timed = timed;
  }

  /** The {@code __name__} of the profile's series. */
  String metricName() {
    return metricName;
  }

  /** Alternating sample type names and units. */
  List<String> sampleTypes() {
    return sampleTypes;
  }

  int valueCount() {
    return sampleTypes.size() / 2;
  }

  /** The period type, or null when the profile has none. */
  String periodType() {
    return periodType;
  }

  String periodUnit() {
    return periodUnit;
  }

  /** Whether values are sample counts to be scaled to nanoseconds by the sampling period. */
  boolean timed() {
    return timed;
  }
}
