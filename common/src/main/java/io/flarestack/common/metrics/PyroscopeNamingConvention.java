package io.flarestack.common.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusNamingConvention;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;

/**
 * Micrometer's Prometheus naming, except that a counter whose name ends in {@code created}
 * keeps that word. The Prometheus client strips {@code _created} (an OpenMetrics-reserved
 * suffix), which would turn Pyroscope's {@code pyroscope_tsdb_head_series_created_total} into
 * {@code pyroscope_tsdb_head_series_total} and clash with the gauge
 * {@code pyroscope_tsdb_head_series}. Set it on the process registry:
 * {@code registry.config().namingConvention(new PyroscopeNamingConvention())}. Thread-safe.
 */
public final class PyroscopeNamingConvention extends PrometheusNamingConvention {
  private static final String CREATED = "_created";

  @Override
  public String name(String name, Meter.Type type, String baseUnit) {
    String converted = super.name(name, type, baseUnit);
    if (type == Meter.Type.COUNTER && !converted.endsWith(CREATED)) {
      String plain = PrometheusNaming.prometheusName(name);
      if (plain.endsWith(CREATED) || plain.endsWith(CREATED + "_total")) {
        return converted + CREATED;
      }
    }
    return converted;
  }
}
