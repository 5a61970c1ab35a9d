package io.flarestack.ingester.head;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The head metrics of one tenant, named and labelled as Pyroscope's ingester exports them
 * ({@code tenant} and {@code component="ingester"} on every series). Gauges sum over the
 * tenant's heads in memory (every window, cut or not) from their lock-free snapshots at scrape
 * time. Thread-safe.
 */
final class HeadMetrics {
  private final MeterRegistry registry;
  private final Tags tags;
  private final List<Meter> meters = new ArrayList<>();
  private final ConcurrentHashMap<String, Counter[]> perProfileName = new ConcurrentHashMap<>();

  HeadMetrics(MeterRegistry registry, String tenant, Supplier<List<TenantHead>> heads) {
    this.registry = registry;
    this.tags = Tags.of("tenant", tenant, "component", "ingester");
    gauge("pyroscope.tsdb.head.series", "Total number of series in the head block.", null, heads,
        h -> h.seriesCount());
    gauge("pyroscope.head.profiles", "Total number of profiles in the head block.", null, heads,
        h -> h.profileCount());
    gauge("pyroscope.head.samples", "Total number of samples in the head block.", null, heads,
        h -> h.sampleCount());
    for (TenantHead.Table table : TenantHead.Table.values()) {
      gauge("pyroscope.head.size", "Estimated size of the in-memory head block, per table.",
          Tags.of("type", table.metricName()), heads, h -> h.estimatedBytes(table));
    }
  }

  private void gauge(String name, String help, Tags extra, Supplier<List<TenantHead>> heads,
      ToDoubleFunction<TenantHead> f) {
    ToDoubleFunction<Supplier<List<TenantHead>>> sum = s -> {
      double total = 0;
      for (TenantHead h : s.get()) {
        total += f.applyAsDouble(h);
      }
      return total;
    };
    Gauge.Builder<Supplier<List<TenantHead>>> b = Gauge.builder(name, heads, sum).description(help).tags(tags)
        .strongReference(true);
    if (extra != null) {
      b.tags(extra).baseUnit("bytes");
    }
    meters.add(b.register(registry));
  }

  void seriesCreated(String profileName) {
    counters(profileName)[0].increment();
  }

  void profileAppended(String profileName, int samples) {
    Counter[] c = counters(profileName);
    c[1].increment();
    c[2].increment(samples);
  }

  private Counter[] counters(String profileName) {
    Counter[] c = perProfileName.get(profileName);
    if (c != null) {
      return c;
    }
    return perProfileName.computeIfAbsent(profileName, n -> {
      Tags t = tags.and("profile_name", n);
      Counter[] made = {
          Counter.builder("pyroscope.tsdb.head.series.created").description("Total number of series created in the head.")
              .tags(t).register(registry),
          Counter.builder("pyroscope.head.profiles.created").description("Total number of profiles created in the head.")
              .tags(t).register(registry),
          Counter.builder("pyroscope.head.ingested.sample.values")
              .description("Number of sample values ingested into the head.").tags(t).register(registry),
      };
      synchronized (meters) {
        meters.addAll(List.of(made));
      }
      return made;
    });
  }

  /** Unregisters every meter of this tenant (for when its head is cut and dropped). */
  void close() {
    synchronized (meters) {
      for (Meter m : meters) {
        registry.remove(m);
      }
      meters.clear();
    }
    perProfileName.clear();
  }
}
