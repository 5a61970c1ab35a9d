package io.flarestack.distributor;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The distributor's Prometheus families, named as Pyroscope's (operations.md §3.3), each with
 * classic histogram buckets where Pyroscope has a histogram. {@code type} is the profile name
 * ({@code __name__}). Thread-safe.
 */
final class DistributorMetrics {
  private static final double[] BYTES_BUCKETS = exponentialRange(10 * 1024, 15 * 1024 * 1024, 30);
  private static final double[] SAMPLES_BUCKETS = exponentialRange(100, 100_000, 30);

  private final MeterRegistry registry;

  DistributorMetrics(MeterRegistry registry) {
    this.registry = requireNonNull(registry, "registry is null");
  }

  /** One accepted-for-processing profile. */
  void received(String type, String tenant, long compressedBytes, long decompressedBytes, int samples) {
    DistributionSummary.builder("pyroscope.distributor.received.compressed")
        .description("The number of compressed bytes per profile received by the distributor.")
        .baseUnit("bytes")
        .tags("type", type, "tenant", tenant)
        .serviceLevelObjectives(BYTES_BUCKETS)
        .register(registry)
        .record(compressedBytes);
    DistributionSummary.builder("pyroscope.distributor.received.decompressed")
        .description("The number of decompressed bytes per profile received by the distributor.")
        .baseUnit("bytes")
        .tags("type", type, "tenant", tenant)
        .serviceLevelObjectives(BYTES_BUCKETS)
        .register(registry)
        .record(decompressedBytes);
    DistributionSummary.builder("pyroscope.distributor.received.samples")
        .description("The number of samples per profile received by the distributor.")
        .tags("type", type, "tenant", tenant)
        .serviceLevelObjectives(SAMPLES_BUCKETS)
        .register(registry)
        .record(samples);
  }

  /** One rejected profile of {@code bytes} bytes. */
  void discarded(DiscardReason reason, String tenant, long bytes) {
    Counter.builder("pyroscope.discarded.samples")
        .description("The total number of samples that were discarded.")
        .tags("reason", reason.label(), "tenant", tenant)
        .register(registry)
        .increment();
    Counter.builder("pyroscope.discarded.bytes")
        .description("The total number of bytes that were discarded.")
        .baseUnit("bytes")
        .tags("reason", reason.label(), "tenant", tenant)
        .register(registry)
        .increment(bytes);
  }

  // Prometheus' ExponentialBucketsRange: count buckets from min to max with a constant factor.
  static double[] exponentialRange(double min, double max, int count) {
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
