package io.flarestack.bench.load;

import java.nio.charset.StandardCharsets;

/**
 * The few server figures a load run reports, read from a Prometheus text exposition
 * ({@code /metrics}): process CPU seconds, head sizes, heap in use. Missing metrics read as NaN,
 * so the same code runs against Pyroscope (which exports {@code process_cpu_seconds_total} too).
 *
 * @param cpuSeconds {@code process_cpu_seconds_total}
 * @param headBytes sum of {@code pyroscope_head_size_bytes} over tables
 * @param headSamples {@code pyroscope_head_samples} summed over tenants
 * @param headProfiles {@code pyroscope_head_profiles} summed over tenants
 * @param series {@code pyroscope_tsdb_head_series} summed over tenants
 * @param heapUsed sum of {@code jvm_memory_used_bytes{area="heap"}}
 */
public record ServerMetrics(double cpuSeconds, double headBytes, double headSamples, double headProfiles,
    double series, double heapUsed) {

  /** Scrapes {@code /metrics}; all NaN when it cannot be read. */
  public static ServerMetrics scrape(Target target) {
    Target.Result r = target.get("/metrics");
    if (!r.ok()) {
      return parse("");
    }
    return parse(new String(r.body(), StandardCharsets.UTF_8));
  }

  /** Parses a Prometheus text exposition. */
  public static ServerMetrics parse(String text) {
    return new ServerMetrics(sum(text, "process_cpu_seconds_total", null), sum(text, "pyroscope_head_size_bytes", null),
        sum(text, "pyroscope_head_samples", null), sum(text, "pyroscope_head_profiles", null),
        sum(text, "pyroscope_tsdb_head_series", null), sum(text, "jvm_memory_used_bytes", "area=\"heap\""));
  }

  /** Sum of the samples of one metric name, optionally only those whose labels contain a string. */
  static double sum(String text, String name, String labelFilter) {
    double sum = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      if (!line.startsWith(name)) {
        continue;
      }
      int rest = name.length();
      if (line.length() <= rest || (line.charAt(rest) != ' ' && line.charAt(rest) != '{')) {
        continue;
      }
      if (labelFilter != null && !line.contains(labelFilter)) {
        continue;
      }
      int sp = line.lastIndexOf(' ');
      try {
        sum += Double.parseDouble(line.substring(sp + 1));
        found = true;
      } catch (NumberFormatException e) {
        // a timestamp or a malformed line: not a value we can use
      }
    }
    return found ? sum : Double.NaN;
  }
}
