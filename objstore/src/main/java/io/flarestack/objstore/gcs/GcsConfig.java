package io.flarestack.objstore.gcs;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.Option;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code storage.gcs} block, with Pyroscope's keys and flags. Without a service account the
 * Google SDK's application default credentials apply ({@code GOOGLE_APPLICATION_CREDENTIALS}, the
 * gcloud user credentials, the metadata server). {@link #toString()} masks the service account.
 *
 * @param serviceAccount the JSON of a service account key (not a path); empty for the default credentials
 */
public record GcsConfig(String bucketName, String serviceAccount) {
  public static final Option<String> BUCKET_NAME = Option.string("storage.gcs.bucket_name", "storage.gcs.bucket-name",
      "", "GCS bucket name.");
  public static final Option<String> SERVICE_ACCOUNT = Option.string("storage.gcs.service_account",
      "storage.gcs.service-account", "",
      "JSON of a service account key (not a file path). If empty, Google's application default credentials are used"
          + " (GOOGLE_APPLICATION_CREDENTIALS, gcloud, the metadata server).").asSecret();

  public GcsConfig {
    requireNonNull(bucketName, "bucketName is null");
    requireNonNull(serviceAccount, "serviceAccount is null");
  }

  public static List<Option<?>> options() {
    return List.of(BUCKET_NAME, SERVICE_ACCOUNT);
  }

  public static GcsConfig from(ConfigValues v) {
    return new GcsConfig(v.get(BUCKET_NAME), v.get(SERVICE_ACCOUNT));
  }

  /** Every problem with these settings for a GCS backend; empty when valid. */
  public List<String> validate() {
    List<String> problems = new ArrayList<>();
    if (bucketName.isBlank()) {
      problems.add(BUCKET_NAME.describe() + ": required when storage.backend is gcs");
    }
    if (!serviceAccount.isBlank() && !serviceAccount.strip().startsWith("{")) {
      // Never echo the value: it is a credential.
      problems.add(SERVICE_ACCOUNT.describe() + ": must be the JSON of a service account key, not a file path"
          + " (for a file, set GOOGLE_APPLICATION_CREDENTIALS)");
    }
    return problems;
  }

  @Override
  public String toString() {
    return "GcsConfig[bucketName=" + bucketName + ", serviceAccount=" + (serviceAccount.isEmpty() ? "" : "********") + "]";
  }
}
