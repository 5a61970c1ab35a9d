package io.flarestack.ingester.wal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** The write-ahead log's metrics ({@code pyroscope_ingester_wal_*}). Thread-safe. */
final class WalMetrics {
  final Timer fsync;
  final DistributionSummary recordsPerSync;
  final Counter bytesWritten;
  final Counter records;
  final Counter writeFailures;
  final Counter corruptions;
  final Counter replayedRecords;
  final Counter segmentsDeleted;
  final AtomicLong segments = new AtomicLong();

  WalMetrics(MeterRegistry registry) {
    fsync = Timer.builder("pyroscope.ingester.wal.fsync.duration")
        .description("Time to write and fsync one group of write-ahead log records.")
        .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5))
        .register(registry);
    recordsPerSync = DistributionSummary.builder("pyroscope.ingester.wal.records.per.fsync")
        .description("Records made durable by one fsync (group commit: concurrent pushes share one).")
        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256)
        .register(registry);
    bytesWritten = Counter.builder("pyroscope.ingester.wal.written").baseUnit("bytes")
        .description("Bytes appended to the write-ahead log.").register(registry);
    records = Counter.builder("pyroscope.ingester.wal.records")
        .description("Records appended to the write-ahead log and fsynced.").register(registry);
    writeFailures = Counter.builder("pyroscope.ingester.wal.write.failures")
        .description("Groups of records whose write or fsync failed; their pushes were rejected.").register(registry);
    corruptions = Counter.builder("pyroscope.ingester.wal.corruptions")
        .description("Torn or corrupt records found on replay; the segment was truncated before them.").register(registry);
    replayedRecords = Counter.builder("pyroscope.ingester.wal.replayed.records")
        .description("Records replayed into the head at start.").register(registry);
    segmentsDeleted = Counter.builder("pyroscope.ingester.wal.segments.deleted")
        .description("Segments deleted because every record in them is in an uploaded block.").register(registry);
    Gauge.builder("pyroscope.ingester.wal.segments", segments, AtomicLong::get)
        .description("Segment files of the write-ahead log on disk.").register(registry);
  }
}
