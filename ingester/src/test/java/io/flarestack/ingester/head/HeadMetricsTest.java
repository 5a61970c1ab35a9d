package io.flarestack.ingester.head;

import static io.flarestack.ingester.testing.Requests.series;
import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.common.metrics.PyroscopeNamingConvention;
import io.flarestack.common.model.Labels;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.ingester.testing.Requests;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The head exports Pyroscope's metric names, labels and help texts. */
class HeadMetricsTest {
  private final PrometheusMeterRegistry registry = registry();
  private final Head head = new Head(0, registry);

  private static PrometheusMeterRegistry registry() {
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    r.config().namingConvention(new PyroscopeNamingConvention());
    return r;
  }

  @Test
  void exportsPyroscopeHeadMetrics() {
    Profile go = SharedTestData.pprof("go/cpu.pb.gz");
    Labels labels = Labels.of("__name__", "process_cpu", "service_name", "go-app");
    head.append("t1", Requests.push(series(labels, go)));
    head.append("t1", Requests.push(series(labels, go.toBuilder().setTimeNanos(go.getTimeNanos() + 1).build())));
    TenantHead th = head.find("t1");
    long samples = th.sampleCount();

    String text = registry.scrape();

    // Two sample types → two series, each with two profiles.
    assertThat(value(text, "pyroscope_tsdb_head_series{component=\"ingester\",tenant=\"t1\"}")).isEqualTo(2);
    assertThat(value(text, "pyroscope_head_profiles{component=\"ingester\",tenant=\"t1\"}")).isEqualTo(4);
    assertThat(value(text, "pyroscope_head_samples{component=\"ingester\",tenant=\"t1\"}")).isEqualTo(samples);
    assertThat(samples).isPositive();
    assertThat(value(text,
        "pyroscope_tsdb_head_series_created_total{component=\"ingester\",profile_name=\"process_cpu\",tenant=\"t1\"}"))
        .isEqualTo(2);
    assertThat(value(text,
        "pyroscope_head_profiles_created_total{component=\"ingester\",profile_name=\"process_cpu\",tenant=\"t1\"}"))
        .isEqualTo(4);
    assertThat(value(text,
        "pyroscope_head_ingested_sample_values_total{component=\"ingester\",profile_name=\"process_cpu\",tenant=\"t1\"}"))
        .isEqualTo(samples);
    for (String table : new String[] {"profiles", "stacktraces", "locations", "functions", "mappings", "strings"}) {
      assertThat(value(text, "pyroscope_head_size_bytes{component=\"ingester\",tenant=\"t1\",type=\"" + table + "\"}"))
          .as(table).isPositive();
    }
    assertThat(text).contains("# HELP pyroscope_head_size_bytes ").contains("# HELP pyroscope_tsdb_head_series ");
  }

  @Test
  void closingTheHeadRemovesTenantMeters() {
    head.append("t1", Requests.push(series(Labels.of("__name__", "process_cpu", "service_name", "x"),
        SharedTestData.pprof("java/cpu.pb.gz"))));
    head.close();

    assertThat(registry.scrape()).doesNotContain("tenant=\"t1\"");
  }

  private static double value(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    assertThat(m.find()).as("series %s in%n%s", series, text).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
