package io.flarestack.distributor.ingest.jfr;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The distributor families JFR ingestion records, as Pyroscope does for JFR uploads: one
 * {@code pyroscope_distributor_received_compressed_bytes{type="jfr"}} observation per upload
 * (the recording holds several profiles compressed together, so there is no per-profile
 * compressed size) and {@code pyroscope_distributor_parse_duration_seconds{type="jfr"}}. Name,
 * help text and buckets of the first family match the distributor's own registration of it.
 * Thread-safe.
 */
final class JfrMetrics {
  static final String TYPE = "jfr";
  private static final double[] BYTES_BUCKETS = exponentialRange(10 * 1024, 15 * 1024 * 1024, 30);
  private static final Duration[] SECONDS_BUCKETS = durations(exponentialRange(0.001, 10, 30));

  private final MeterRegistry registry;

  JfrMetrics(MeterRegistry registry) {
    this.registry = requireNonNull(registry, "registry is null");
  }

  void received(String tenant, long compressedBytes) {
    DistributionSummary.builder("pyroscope.distributor.received.compressed")
        .description("The number of compressed bytes per profile received by the distributor.")
        .baseUnit("bytes")
        .tags("type", TYPE, "tenant", tenant)
        .serviceLevelObjectives(BYTES_BUCKETS)
        .register(registry)
        .record(compressedBytes);
  }

  void parsed(String tenant, long nanos) {
    Timer.builder("pyroscope.distributor.parse.duration")
        .description("Duration of profile parsing (JFR or pprof) per ingest request in the distributor.")
        .tags("type", TYPE, "tenant", tenant)
        .serviceLevelObjectives(SECONDS_BUCKETS)
        .register(registry)
        .record(Duration.ofNanos(nanos));
  }

  private static Duration[] durations(double[] seconds) {
    Duration[] out = new Duration[seconds.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Duration.ofNanos(Math.round(seconds[i] * 1e9));
    }
    return out;
  }

  // Prometheus' ExponentialBucketsRange: count buckets from min to max with a constant factor.
  private static double[] exponentialRange(double min, double max, int count) {
    double factor = Math.pow(max / min, 1.0 / (count - 1));
    double[] buckets = new double[count];
    double b = min;
    for (int i = 0; i < count; i++) {
      buckets[i] = b;
      b *= factor;
    }
    buckets[count - 1] = max;
    return buckets;
  }
}
