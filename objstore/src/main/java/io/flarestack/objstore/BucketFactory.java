package io.flarestack.objstore;

import static java.util.Objects.requireNonNull;

import io.flarestack.objstore.azure.AzureBucket;
import io.flarestack.objstore.filesystem.FilesystemBucket;
import io.flarestack.objstore.gcs.GcsBucket;
import io.flarestack.objstore.s3.S3Bucket;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Builds the process's bucket from the {@code storage} settings: the chosen backend, confined to
 * {@code storage.prefix} when one is set, instrumented with the {@code objstore_bucket_*}
 * metrics. Creating a bucket does not contact the store (the filesystem backend creates its
 * directory); reachability shows on the first call. Stateless.
 */
public final class BucketFactory {
  private BucketFactory() {}

  /**
   * Creates the configured bucket.
   *
   * @param env the environment, for settings the cloud SDKs do not read themselves
   *     ({@code AWS_REGION}/{@code AWS_DEFAULT_REGION}); the SDKs' own credential chains read
   *     the process environment
   * @throws IllegalArgumentException when {@link BucketConfig#validate()} finds problems (all listed)
   * @throws IOException when the backend cannot be set up (e.g. the filesystem directory cannot be created)
   */
  public static Bucket create(BucketConfig config, Map<String, String> env, MeterRegistry registry) throws IOException {
    requireNonNull(config, "config is null");
    requireNonNull(env, "env is null");
    requireNonNull(registry, "registry is null");
    List<String> problems = config.validate();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid storage configuration: " + String.join("; ", problems));
    }
    Bucket bucket = switch (config.backend()) {
      case BucketConfig.FILESYSTEM -> new FilesystemBucket(Path.of(config.filesystemDir()));
      case BucketConfig.S3 -> S3Bucket.create(config.s3(), env);
      case BucketConfig.GCS -> GcsBucket.create(config.gcs());
      case BucketConfig.AZURE -> AzureBucket.create(config.azure());
      default -> throw new IllegalArgumentException("unsupported storage backend \"" + config.backend() + "\"");
    };
    if (!config.prefix().isEmpty()) {
      bucket = new PrefixedBucket(bucket, config.prefix());
    }
    return new InstrumentedBucket(bucket, registry);
  }
}
