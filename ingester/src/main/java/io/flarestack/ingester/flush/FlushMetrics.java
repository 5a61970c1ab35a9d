package io.flarestack.ingester.flush;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Metrics of cutting, writing and shipping blocks, with Pyroscope's names (operations.md §3.3):
 * {@code pyroscope_head_flushed_blocks_total{status}}, {@code pyroscope_head_flushed_reason_total},
 * {@code pyroscope_head_flushed_block_*}, {@code pyroscope_shipper_*}. Thread-safe.
 */
final class FlushMetrics {
  private final MeterRegistry registry;
  final Counter flushedOk;
  final Counter flushedFailed;
  final Timer flushDuration;
  final DistributionSummary blockSize;
  final DistributionSummary blockSeries;
  final DistributionSummary blockSamples;
  final DistributionSummary blockProfiles;
  final Counter blockLoadFailures;

  FlushMetrics(MeterRegistry registry) {
    this.registry = registry;
    flushedOk = flushed("success");
    flushedFailed = flushed("failed");
    flushDuration = Timer.builder("pyroscope.head.flushed.block.duration")
        .description("Time to write one head block to local disk.")
        .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(60))
        .tag("component", "ingester").register(registry);
    blockSize = DistributionSummary.builder("pyroscope.head.flushed.block.size").baseUnit("bytes")
        .description("Size of the blocks written from the head.")
        .serviceLevelObjectives(1 << 10, 1 << 14, 1 << 17, 1 << 20, 1 << 23, 1 << 26, 1 << 29, 1L << 32)
        .tag("component", "ingester").register(registry);
    blockSeries = summary("pyroscope.head.flushed.block.series", "Series in the blocks written from the head.");
    blockSamples = summary("pyroscope.head.flushed.block.samples", "Samples in the blocks written from the head.");
    blockProfiles = summary("pyroscope.head.flushed.block.profiles", "Profiles in the blocks written from the head.");
    blockLoadFailures = Counter.builder("pyroscope.ingester.local.block.load.failures")
        .description("Local blocks the ingester could not read back.").register(registry);
  }

  private Counter flushed(String status) {
    return Counter.builder("pyroscope.head.flushed.blocks").description("Number of head blocks flushed to disk.")
        .tag("status", status).register(registry);
  }

  private DistributionSummary summary(String name, String help) {
    return DistributionSummary.builder(name).description(help)
        .serviceLevelObjectives(1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000)
        .tag("component", "ingester").register(registry);
  }

  void flushReason(String reason) {
    Counter.builder("pyroscope.head.flushed.reason").description("Why head blocks were flushed.")
        .tag("reason", reason).register(registry).increment();
  }

  void uploaded(String tenant) {
    Counter.builder("pyroscope.shipper.uploads").description("Total number of uploaded blocks.")
        .tag("tenant", tenant).tag("component", "ingester").register(registry).increment();
  }

  void uploadFailed(String tenant) {
    Counter.builder("pyroscope.shipper.upload.failures").description("Total number of block upload failures.")
        .tag("tenant", tenant).tag("component", "ingester").register(registry).increment();
  }

  void dirSync(boolean ok) {
    Counter.builder(ok ? "pyroscope.shipper.dir.syncs" : "pyroscope.shipper.dir.sync.failures")
        .description(ok ? "Total number of passes over the local blocks to upload."
            : "Total number of passes over the local blocks that hit an upload failure.")
        .tag("component", "ingester").register(registry).increment();
  }
}
