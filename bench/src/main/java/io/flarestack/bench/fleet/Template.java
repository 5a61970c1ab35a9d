package io.flarestack.bench.fleet;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.common.model.pprof.PprofReader;

/**
 * A real profile from {@code testdata/} that the fleet mutates into uploads.
 *
 * @param name short name used in reports ({@code go-cpu}, {@code go-heap}, {@code java-cpu})
 * @param file path below the testdata root
 * @param metricName the {@code __name__} a client sends with it
 * @param spyName the {@code spyName} a legacy client sends with it
 * @param raw the file's bytes as stored (gzipped or not)
 * @param profile the parsed profile
 * @param subset fraction of the template's samples a service uses (the rest and the symbols only
 *     they reference are dropped per service), so a big template yields realistic uploads
 */
public record Template(String name, String file, String metricName, String spyName, byte[] raw, Profile profile,
    double subset) {
  private static final long MAX = 64L << 20;

  public Template {
    requireNonNull(name, "name is null");
    requireNonNull(file, "file is null");
    requireNonNull(metricName, "metricName is null");
    requireNonNull(spyName, "spyName is null");
    requireNonNull(raw, "raw is null");
    requireNonNull(profile, "profile is null");
    if (!(subset > 0 && subset <= 1)) {
      throw new IllegalArgumentException("subset must be in (0, 1], got " + subset);
    }
  }

  /** Reads and parses a testdata pprof. */
  public static Template load(String name, String file, String metricName, String spyName, double subset) {
    byte[] raw = TestData.bytes(file);
    return new Template(name, file, metricName, spyName, raw, PprofReader.parse(raw, MAX), subset);
  }

  /** A real Go CPU profile of a service (29 s, 647 samples, 1,922 locations). */
  public static Template goCpu() {
    return load("go-cpu", "pprof/pkg-pprof/gotruncatefix/cpu_go_truncated_1.pb.gz", "process_cpu", "gospy", 1);
  }

  /**
   * A real Go heap profile (4 sample types, 11,951 samples; Loki), of which each service uses a
   * quarter: the reference's delta alloc uploads have 1-5K samples and 100-400 KB.
   */
  public static Template goHeap() {
    return load("go-heap", "pprof/pkg-pprof/heap", "memory", "gospy", 0.25);
  }

  /** A Java CPU profile from async-profiler (2,614 samples, shallow). */
  public static Template javaCpu() {
    return load("java-cpu", "pprof/pkg-pprof/profile_java", "process_cpu", "javaspy", 1);
  }
}
