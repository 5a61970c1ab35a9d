package io.flarestack.objstore.s3;

import static io.flarestack.objstore.TestObjects.readUtf8;
import static io.flarestack.objstore.TestObjects.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.common.config.ConfigLoader;
import io.flarestack.common.config.ConfigValues;
import io.flarestack.objstore.AbstractBucketContractTest;
import io.flarestack.objstore.Bucket;
import io.flarestack.objstore.BucketConfig;
import io.flarestack.objstore.BucketFactory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The bucket contract against s3proxy in this JVM (in-memory blob store, SigV4 with static keys,
 * a free loopback port). Each test gets its own S3 bucket. The bucket under test uploads in 5 MiB
 * parts, so the contract's 6 MiB object is a multipart upload, and lists in pages of 3 keys, so
 * listings follow continuation tokens.
 *
 * <p>s3proxy keeps objects as files of a (in-memory) file system, so, unlike S3, it cannot hold
 * both {@code a} and {@code a/b} ({@link Capability#KEY_ALSO_A_DIRECTORY}; it answers 500).
 */
class S3BucketIT extends AbstractBucketContractTest {
  private static final String ACCESS_KEY = "AKIDFLARESTACKTEST";
  private static final String SECRET_KEY = "flarestack-test-secret";
  private static final AtomicInteger BUCKETS = new AtomicInteger();

  private static S3Proxy proxy;
  private static S3Config config;

  @BeforeAll
  static void startS3Proxy() throws Exception {
    proxy = S3Proxy.builder()
        .blobStore(new TransientNio2BlobStore())
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
        .build();
    proxy.start(); // returns once Jetty listens
    assertThat(proxy.getState()).isEqualTo("STARTED");
    // Pyroscope's endpoint form: host:port, with insecure=true for http.
    config = new S3Config("127.0.0.1:" + proxy.getPort(), "us-east-1", "", ACCESS_KEY, SECRET_KEY, true, true);
  }

  @AfterAll
  static void stopS3Proxy() throws Exception {
    if (proxy != null) {
      proxy.stop();
    }
  }

  private static String newS3Bucket() {
    String name = "contract-" + BUCKETS.incrementAndGet();
    try (S3Client admin = S3Bucket.client(config, Map.of())) {
      admin.createBucket(r -> r.bucket(name));
    }
    return name;
  }

  @Override
  protected Set<Capability> missingCapabilities() {
    return Set.of(Capability.KEY_ALSO_A_DIRECTORY);
  }

  @Override
  protected Bucket createBucket() {
    return new S3Bucket(S3Bucket.client(config, Map.of()), newS3Bucket(), S3Bucket.MIN_PART_SIZE, 3);
  }

  @Test
  void storageOptionsBuildAnInstrumentedS3Bucket() throws Exception {
    String name = newS3Bucket();
    ConfigValues values = ConfigLoader.load(BucketConfig.options(), List.of("-storage.backend=s3",
        "-storage.s3.endpoint=127.0.0.1:" + proxy.getPort(), "-storage.s3.insecure", "-storage.s3.force-path-style",
        "-storage.s3.bucket-name=" + name, "-storage.s3.access-key-id=" + ACCESS_KEY,
        "-storage.s3.secret-access-key=" + SECRET_KEY, "-storage.prefix=cluster-a"), Map.of());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    try (Bucket bucket = BucketFactory.create(BucketConfig.from(values, Map.of()), Map.of("AWS_REGION", "eu-west-1"),
        registry)) {
      bucket.upload("tenant/meta.json", utf8("{}"));

      assertThat(readUtf8(bucket.get("tenant/meta.json"))).isEqualTo("{}");
      assertThat(bucket.list("", true)).containsExactly("tenant/meta.json");
    }
    try (S3Bucket raw = new S3Bucket(S3Bucket.client(config, Map.of()), name, S3Bucket.DEFAULT_PART_SIZE, 1000)) {
      assertThat(raw.list("", true)).containsExactly("cluster-a/tenant/meta.json");
    }
    String scrape = registry.scrape();
    assertThat(scrape).contains("objstore_bucket_operations_total{bucket=\"s3\",operation=\"upload\"} 1.0")
        .contains("objstore_bucket_operations_total{bucket=\"s3\",operation=\"get\"} 1.0")
        .contains("objstore_bucket_operation_failures_total{bucket=\"s3\",operation=\"upload\"} 0.0");
  }
}
