package io.flarestack.objstore;

import static io.flarestack.objstore.TestObjects.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The contract through the metrics decorator, and the metrics it exports. */
class InstrumentedBucketTest extends AbstractBucketContractTest {
  private PrometheusMeterRegistry registry;

  @Override
  protected Bucket createBucket() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return new InstrumentedBucket(new MemoryBucket(), registry);
  }

  private String scrape() {
    return registry.scrape();
  }

  @Test
  void everyOperationExportsZeroBeforeItsFirstCall() {
    String text = scrape();

    for (String op : new String[] {"get", "get_range", "upload", "delete", "exists", "attributes", "iter"}) {
      assertThat(text).contains("objstore_bucket_operations_total{bucket=\"memory\",operation=\"" + op + "\"} 0.0")
          .contains("objstore_bucket_operation_failures_total{bucket=\"memory\",operation=\"" + op + "\"} 0.0");
    }
    assertThat(text).contains("# HELP objstore_bucket_operations_total Total number of all attempted operations")
        .contains("# TYPE objstore_bucket_operation_duration_seconds histogram")
        .contains("# HELP objstore_bucket_operation_failures_total ")
        .contains("# HELP objstore_bucket_operation_duration_seconds ");
  }

  @Test
  void countsCallsAndTimesThemInThanosBuckets() throws IOException {
    bucket().upload("a", utf8("0123456789"));
    try (InputStream in = bucket().getRange("a", 2, 3)) {
      in.readAllBytes();
    }
    bucket().list("", true);
    bucket().list("", false);

    String text = scrape();

    assertThat(text).contains("objstore_bucket_operations_total{bucket=\"memory\",operation=\"upload\"} 1.0")
        .contains("objstore_bucket_operations_total{bucket=\"memory\",operation=\"get_range\"} 1.0")
        .contains("objstore_bucket_operations_total{bucket=\"memory\",operation=\"iter\"} 2.0")
        .contains("objstore_bucket_operation_duration_seconds_count{bucket=\"memory\",operation=\"iter\"} 2")
        .contains("objstore_bucket_operation_duration_seconds_bucket{bucket=\"memory\",operation=\"upload\",le=\"0.01\"}")
        .contains("objstore_bucket_operation_duration_seconds_bucket{bucket=\"memory\",operation=\"get\",le=\"120.0\"} 0")
        .contains("objstore_bucket_operation_duration_seconds_count{bucket=\"memory\",operation=\"get_range\"} 1");
  }

  @Test
  void aReadIsTimedWhenItsStreamCloses() throws IOException {
    bucket().upload("a", utf8("x"));
    InputStream in = bucket().get("a");

    assertThat(scrape()).contains("objstore_bucket_operations_total{bucket=\"memory\",operation=\"get\"} 1.0")
        .contains("objstore_bucket_operation_duration_seconds_count{bucket=\"memory\",operation=\"get\"} 0");
    in.close();
    in.close();
    assertThat(scrape()).contains("objstore_bucket_operation_duration_seconds_count{bucket=\"memory\",operation=\"get\"} 1");
  }

  @Test
  void notFoundIsNoFailureButOtherErrorsAre() throws IOException {
    assertThatThrownBy(() -> bucket().get("absent")).isInstanceOf(ObjectNotFoundException.class);
    assertThatThrownBy(() -> bucket().attributes("absent")).isInstanceOf(ObjectNotFoundException.class);
    assertThatThrownBy(() -> bucket().upload("short", TestObjects.pattern(1, 5), 10)).isInstanceOf(IOException.class);

    String text = scrape();

    assertThat(text).contains("objstore_bucket_operations_total{bucket=\"memory\",operation=\"get\"} 1.0")
        .contains("objstore_bucket_operation_failures_total{bucket=\"memory\",operation=\"get\"} 0.0")
        .contains("objstore_bucket_operation_failures_total{bucket=\"memory\",operation=\"attributes\"} 0.0")
        .contains("objstore_bucket_operation_failures_total{bucket=\"memory\",operation=\"upload\"} 1.0");
  }
}
