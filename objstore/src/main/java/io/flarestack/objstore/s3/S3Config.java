package io.flarestack.objstore.s3;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.Option;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code storage.s3} block, with Pyroscope's keys and flags. Credentials left empty come from
 * the AWS SDK's default chain ({@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, profiles,
 * web identity, container and instance roles); an empty region from {@code AWS_REGION} or
 * {@code AWS_DEFAULT_REGION}, else {@code us-east-1} with cross-region access. {@link #toString()}
 * masks the secret key.
 *
 * @param endpoint {@code host[:port]} as Pyroscope takes it (scheme from {@code insecure}), or a
 *     full {@code http(s)://} URL; empty for AWS
 * @param insecure use {@code http://} for a {@code host:port} endpoint
 * @param forcePathStyle address the bucket as {@code endpoint/bucket} instead of {@code bucket.endpoint}
 */
public record S3Config(String endpoint, String region, String bucketName, String accessKeyId, String secretAccessKey,
    boolean insecure, boolean forcePathStyle) {
  public static final Option<String> ENDPOINT = Option.string("storage.s3.endpoint", "storage.s3.endpoint", "",
      "The S3 endpoint as host[:port] (or a full URL), for S3-compatible stores such as MinIO; empty for AWS.");
  public static final Option<String> REGION = Option.string("storage.s3.region", "storage.s3.region", "",
      "S3 region. If empty: AWS_REGION or AWS_DEFAULT_REGION, else us-east-1 with cross-region access.");
  public static final Option<String> BUCKET_NAME = Option.string("storage.s3.bucket_name", "storage.s3.bucket-name", "",
      "S3 bucket name.");
  public static final Option<String> ACCESS_KEY_ID = Option.string("storage.s3.access_key_id",
      "storage.s3.access-key-id", "", "S3 access key ID. If empty, the AWS SDK's default credentials chain is used.");
  public static final Option<String> SECRET_ACCESS_KEY = Option.string("storage.s3.secret_access_key",
      "storage.s3.secret-access-key", "", "S3 secret access key.").asSecret();
  public static final Option<Boolean> INSECURE = Option.bool("storage.s3.insecure", "storage.s3.insecure", false,
      "Use http:// instead of https:// for a host:port endpoint (local S3-compatible stores).");
  public static final Option<Boolean> FORCE_PATH_STYLE = Option.bool("storage.s3.force_path_style",
      "storage.s3.force-path-style", false, "Address buckets path-style (endpoint/bucket) instead of as a sub-domain.");

  public S3Config {
    requireNonNull(endpoint, "endpoint is null");
    requireNonNull(region, "region is null");
    requireNonNull(bucketName, "bucketName is null");
    requireNonNull(accessKeyId, "accessKeyId is null");
    requireNonNull(secretAccessKey, "secretAccessKey is null");
  }

  public static List<Option<?>> options() {
    return List.of(ENDPOINT, REGION, BUCKET_NAME, ACCESS_KEY_ID, SECRET_ACCESS_KEY, INSECURE, FORCE_PATH_STYLE);
  }

  public static S3Config from(ConfigValues v) {
    return new S3Config(v.get(ENDPOINT), v.get(REGION), v.get(BUCKET_NAME), v.get(ACCESS_KEY_ID),
        v.get(SECRET_ACCESS_KEY), v.get(INSECURE), v.get(FORCE_PATH_STYLE));
  }

  /** Every problem with these settings for an S3 backend; empty when valid. */
  public List<String> validate() {
    List<String> problems = new ArrayList<>();
    if (bucketName.isBlank()) {
      problems.add(BUCKET_NAME.describe() + ": required when " + "storage.backend is s3");
    }
    if (accessKeyId.isEmpty() != secretAccessKey.isEmpty()) {
      problems.add(ACCESS_KEY_ID.describe() + " and " + SECRET_ACCESS_KEY.describe()
          + ": set both or neither (neither: the AWS SDK's default credentials chain)");
    }
    if (!endpoint.isEmpty()) {
      try {
        URI uri = endpointUri();
        if (uri.getHost() == null) {
          problems.add(ENDPOINT.describe() + ": \"" + endpoint + "\" has no host; use host[:port] or http(s)://host[:port]");
        }
      } catch (IllegalArgumentException e) {
        problems.add(ENDPOINT.describe() + ": \"" + endpoint + "\" is not a valid endpoint: " + e.getMessage());
      }
    }
    return problems;
  }

  /**
   * The endpoint as a URL: taken as is when it has a scheme, else {@code https://} (or
   * {@code http://} when insecure) in front of {@code host[:port]}.
   *
   * @throws IllegalArgumentException when it cannot be parsed
   */
  public URI endpointUri() {
    String url = endpoint.contains("://") ? endpoint : (insecure ? "http://" : "https://") + endpoint;
    try {
      URI uri = new URI(url);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
        throw new IllegalArgumentException("the scheme must be http or https");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "S3Config[endpoint=" + endpoint + ", region=" + region + ", bucketName=" + bucketName + ", accessKeyId="
        + accessKeyId + ", secretAccessKey=" + (secretAccessKey.isEmpty() ? "" : "********") + ", insecure=" + insecure
        + ", forcePathStyle=" + forcePathStyle + "]";
  }
}
