package io.flarestack.objstore;

import static io.flarestack.objstore.TestObjects.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.objstore.azure.AzureConfig;
import io.flarestack.objstore.gcs.GcsConfig;
import io.flarestack.objstore.s3.S3Config;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BucketFactoryTest {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @Test
  void filesystemBucketWithPrefixAndMetrics(@TempDir Path dir) throws IOException {
    BucketConfig config = BucketConfig.filesystem(dir.resolve("shared").toString()).withPrefix("cluster-a");

    try (Bucket bucket = BucketFactory.create(config, Map.of(), registry)) {
      bucket.upload("tenant/meta.json", utf8("{}"));

      assertThat(bucket).isInstanceOf(InstrumentedBucket.class);
      assertThat(bucket.name()).isEqualTo("filesystem");
      assertThat(bucket.list("", true)).containsExactly("tenant/meta.json");
    }
    assertThat(dir.resolve("shared/cluster-a/tenant/meta.json")).hasContent("{}");
    assertThat(registry.scrape())
        .contains("objstore_bucket_operations_total{bucket=\"filesystem\",operation=\"upload\"} 1.0");
  }

  @Test
  void invalidConfigurationIsRejectedWithEveryProblem() {
    BucketConfig config = new BucketConfig("s3", "/bad", "", new S3Config("", "", "", "AKID", "", false, false),
        new GcsConfig("", ""), new AzureConfig("", "", "", "", ""));

    assertThatThrownBy(() -> BucketFactory.create(config, Map.of(), registry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("storage.prefix").hasMessageContaining("bucket-name")
        .hasMessageContaining("set both or neither");
  }

  @Test
  void cloudBucketsAreCreatedWithoutContactingTheStore() throws IOException {
    // Nothing listens on these endpoints: creation must not fail, the first call would.
    BucketConfig base = BucketConfig.filesystem("unused");
    BucketConfig s3 = new BucketConfig("s3", "", "", new S3Config("127.0.0.1:1", "", "b", "AKID", "secret", true, true),
        base.gcs(), base.azure());
    BucketConfig azure = new BucketConfig("azure", "", "", base.s3(), base.gcs(),
        new AzureConfig("acct", "a2V5", "c", "example.invalid", ""));

    try (Bucket b = BucketFactory.create(s3, Map.of("AWS_REGION", "eu-west-1"), registry)) {
      assertThat(b.name()).isEqualTo("s3");
    }
    try (Bucket b = BucketFactory.create(azure, Map.of(), registry)) {
      assertThat(b.name()).isEqualTo("azure");
    }
  }
}
