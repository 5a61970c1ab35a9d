package io.flarestack.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class PyroscopeNamingConventionTest {
  @Test
  void keepsCreatedInCounterNamesSoTheyDoNotClashWithGauges() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().namingConvention(new PyroscopeNamingConvention());
    Gauge.builder("pyroscope.tsdb.head.series", () -> 3).description("series").register(registry);
    Counter.builder("pyroscope.tsdb.head.series.created").description("created").register(registry).increment(2);
    Counter.builder("pyroscope.discarded.samples").description("discarded").register(registry).increment();

    String text = registry.scrape();

    assertThat(text).contains("\npyroscope_tsdb_head_series 3.0\n")
        .contains("\npyroscope_tsdb_head_series_created_total 2.0\n")
        .contains("\npyroscope_discarded_samples_total 1.0\n");
  }
}
