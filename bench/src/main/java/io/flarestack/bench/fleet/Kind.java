package io.flarestack.bench.fleet;

/** What one upload carries. */
public enum Kind {
  /** A Go CPU pprof ({@code process_cpu}). */
  GO_CPU,
  /** A Go heap pprof, delta as godeltaprof sends it ({@code memory}, {@code __delta__="false"}). */
  GO_HEAP,
  /** A Java CPU pprof ({@code process_cpu}), what Java pods send when JFR is off. */
  JAVA_CPU,
  /** An async-profiler JFR recording (CPU, or CPU + alloc + lock), only through {@code /ingest?format=jfr}. */
  JAVA_JFR;

  public boolean jfr() {
    return this == JAVA_JFR;
  }

  /** Whether a {@code --kinds cpu} filter keeps it. */
  public boolean cpu() {
    return this == GO_CPU || this == JAVA_CPU || this == JAVA_JFR;
  }
}
