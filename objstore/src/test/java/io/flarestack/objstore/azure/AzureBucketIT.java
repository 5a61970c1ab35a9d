package io.flarestack.objstore.azure;

import static io.flarestack.objstore.TestObjects.readUtf8;
import static io.flarestack.objstore.TestObjects.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import io.flarestack.common.config.ConfigLoader;
import io.flarestack.common.config.ConfigValues;
import io.flarestack.objstore.AbstractBucketContractTest;
import io.flarestack.objstore.Bucket;
import io.flarestack.objstore.BucketConfig;
import io.flarestack.objstore.BucketFactory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bucket contract against Azurite, started by this test as a child process on a free port
 * (it fails, not skips, when {@code node_modules} lacks Azurite: run {@code npm ci}). Each test
 * gets its own container. The bucket under test stages 1 MiB blocks, so the contract's 6 MiB
 * object is a block list, and lists in pages of 3 blobs, so listings follow continuation markers.
 */
class AzureBucketIT extends AbstractBucketContractTest {
  private static final AtomicInteger CONTAINERS = new AtomicInteger();
  private static Azurite azurite;

  @BeforeAll
  static void startAzurite() throws Exception {
    azurite = Azurite.start();
  }

  @AfterAll
  static void stopAzurite() throws InterruptedException {
    if (azurite != null) {
      azurite.close();
    }
  }

  private static AzureConfig config(String container) {
    return new AzureConfig("", "", container, "", azurite.connectionString());
  }

  private static String newContainer() {
    String name = "contract-" + CONTAINERS.incrementAndGet();
    AzureBucket.containerClient(config(name)).create();
    return name;
  }

  @Override
  protected Bucket createBucket() {
    BlobContainerClient container = AzureBucket.containerClient(config(newContainer()));
    return new AzureBucket(container, 1024 * 1024, 3);
  }

  @Test
  void storageOptionsBuildAnInstrumentedAzureBucket() throws Exception {
    String container = newContainer();
    ConfigValues values = ConfigLoader.load(BucketConfig.options(), List.of("-storage.backend=azure",
        "-storage.azure.container-name=" + container, "-storage.prefix=cluster-a/"), Map.of());
    // The connection string comes from the environment, as AZURE_STORAGE_CONNECTION_STRING.
    BucketConfig config = BucketConfig.from(values, Map.of("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString()));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    try (Bucket bucket = BucketFactory.create(config, Map.of(), registry)) {
      bucket.upload("tenant/meta.json", utf8("{}"));

      assertThat(readUtf8(bucket.get("tenant/meta.json"))).isEqualTo("{}");
    }
    try (AzureBucket raw = AzureBucket.create(config(container))) {
      assertThat(raw.list("", true)).containsExactly("cluster-a/tenant/meta.json");
    }
    assertThat(registry.scrape())
        .contains("objstore_bucket_operations_total{bucket=\"azure\",operation=\"upload\"} 1.0")
        .contains("objstore_bucket_operation_failures_total{bucket=\"azure\",operation=\"get\"} 0.0");
  }
}
