package io.flarestack.storegateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** The store-gateway's metrics, with Pyroscope's names (operations.md §3.3). Thread-safe. */
final class StoreGatewayMetrics {
  private final MeterRegistry registry;
  final Counter loads;
  final Counter loadFailures;
  final Counter drops;
  final Timer syncDuration;
  final AtomicLong lastSuccessfulSync = new AtomicLong();
  final AtomicLong tenantsDiscovered = new AtomicLong();
  final AtomicLong blocksLoaded = new AtomicLong();

  StoreGatewayMetrics(MeterRegistry registry, io.flarestack.storage.block.ReadStats reads) {
    this.registry = registry;
    loads = Counter.builder("pyroscope.bucket.store.block.loads")
        .description("Total number of blocks discovered and made queryable.").register(registry);
    loadFailures = Counter.builder("pyroscope.bucket.store.block.load.failures")
        .description("Total number of blocks skipped because a file is missing or corrupt.").register(registry);
    drops = Counter.builder("pyroscope.bucket.store.block.drops")
        .description("Total number of blocks dropped because they left the bucket.").register(registry);
    syncDuration = Timer.builder("pyroscope.bucket.stores.blocks.sync")
        .description("The time it took to sync the blocks of every tenant.")
        .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(1),
            Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(300))
        .register(registry);
    Gauge.builder("pyroscope.bucket.stores.blocks.last.successful.sync.timestamp.seconds", lastSuccessfulSync,
        a -> a.get() / 1000.0).description("Unix timestamp of the last successful blocks sync.").register(registry);
    Gauge.builder("pyroscope.bucket.stores.tenants.discovered", tenantsDiscovered, AtomicLong::get)
        .description("Number of tenants discovered in the bucket.").register(registry);
    Gauge.builder("pyroscope.bucket.store.blocks.loaded", blocksLoaded, AtomicLong::get)
        .description("Number of blocks currently queryable.").register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("pyroscope.bucket.store.read", reads,
            io.flarestack.storage.block.ReadStats::bytes).baseUnit("bytes")
        .description("Bytes fetched from the bucket with ranged reads to answer queries.").register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("pyroscope.bucket.store.range.requests", reads,
            io.flarestack.storage.block.ReadStats::requests)
        .description("Ranged reads sent to the bucket to answer queries.").register(registry);
  }

  void sync(String reason) {
    Counter.builder("pyroscope.storegateway.bucket.sync").description("Total number of times the bucket sync ran.")
        .tag("reason", reason).register(registry).increment();
  }
}
