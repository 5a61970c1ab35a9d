package io.flarestack.objstore;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.Option;
import io.flarestack.objstore.azure.AzureConfig;
import io.flarestack.objstore.gcs.GcsConfig;
import io.flarestack.objstore.s3.S3Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pyroscope's {@code storage:} block: which backend holds the blocks, an optional key prefix, and
 * each backend's settings. Only the chosen backend's settings are validated. Immutable;
 * {@link #toString()} masks credentials.
 *
 * @param backend {@code filesystem} (default), {@code s3}, {@code gcs} or {@code azure}
 * @param prefix a key prefix for every object, empty for none
 * @param filesystemDir the root directory of the filesystem backend
 */
public record BucketConfig(String backend, String prefix, String filesystemDir, S3Config s3, GcsConfig gcs,
    AzureConfig azure) {
  public static final String FILESYSTEM = "filesystem";
  public static final String S3 = "s3";
  public static final String GCS = "gcs";
  public static final String AZURE = "azure";
  public static final List<String> BACKENDS = List.of(FILESYSTEM, S3, GCS, AZURE);

  public static final Option<String> BACKEND = Option.string("storage.backend", "storage.backend", FILESYSTEM,
      "Backend storage to use: " + String.join(", ", BACKENDS) + ".");
  public static final Option<String> PREFIX = Option.string("storage.prefix", "storage.prefix", "",
      "Prefix for all objects stored in the backend storage: letters, digits, hyphens, underscores, dots and"
          + " forward slashes.");
  public static final Option<String> DEPRECATED_PREFIX = Option.string("storage.storage_prefix",
      "storage.storage-prefix", "", "Deprecated: use -storage.prefix.");
  /**
   * Under {@code ./data} with everything else a single process keeps (one volume to mount), but in
   * its own directory so the bucket's tenant directories never mix with the ingester's local files.
   */
  public static final String DEFAULT_FILESYSTEM_DIR = "./data/shared";
  public static final Option<String> FILESYSTEM_DIR = Option.string("storage.filesystem.dir", "storage.filesystem.dir",
      DEFAULT_FILESYSTEM_DIR, "Local filesystem storage directory.");

  public BucketConfig {
    requireNonNull(backend, "backend is null");
    requireNonNull(prefix, "prefix is null");
    requireNonNull(filesystemDir, "filesystemDir is null");
    requireNonNull(s3, "s3 is null");
    requireNonNull(gcs, "gcs is null");
    requireNonNull(azure, "azure is null");
  }

  /** Every storage option, for the process's option list. */
  public static List<Option<?>> options() {
    List<Option<?>> all = new ArrayList<>(List.of(BACKEND, PREFIX, DEPRECATED_PREFIX, FILESYSTEM_DIR));
    all.addAll(S3Config.options());
    all.addAll(GcsConfig.options());
    all.addAll(AzureConfig.options());
    return List.copyOf(all);
  }

  /**
   * The settings as configured, with credentials the backends' SDKs do not read themselves taken
   * from the environment ({@code AZURE_STORAGE_ACCOUNT}, {@code AZURE_STORAGE_KEY},
   * {@code AZURE_STORAGE_CONNECTION_STRING}) when the configuration leaves them empty.
   */
  public static BucketConfig from(ConfigValues v, Map<String, String> env) {
    String prefix = v.get(PREFIX).isEmpty() ? v.get(DEPRECATED_PREFIX) : v.get(PREFIX);
    return new BucketConfig(v.get(BACKEND), prefix, v.get(FILESYSTEM_DIR), S3Config.from(v), GcsConfig.from(v),
        AzureConfig.from(v).withEnvironment(env));
  }

  /**
   * Every problem with the loaded storage options: {@link #validate()} of {@link #from}, plus
   * conflicts between options that the record no longer shows.
   */
  public static List<String> validate(ConfigValues v, Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    if (!v.get(PREFIX).isEmpty() && !v.get(DEPRECATED_PREFIX).isEmpty()) {
      problems.add(PREFIX.describe() + " and " + DEPRECATED_PREFIX.describe() + ": both are set; use only "
          + PREFIX.describe());
    }
    problems.addAll(from(v, env).validate());
    return problems;
  }

  /** A filesystem bucket rooted at {@code dir}, for tests and tools. */
  public static BucketConfig filesystem(String dir) {
    return new BucketConfig(FILESYSTEM, "", dir, new S3Config("", "", "", "", "", false, false), new GcsConfig("", ""),
        new AzureConfig("", "", "", "", ""));
  }

  public BucketConfig withPrefix(String prefix) {
    return new BucketConfig(backend, prefix, filesystemDir, s3, gcs, azure);
  }

  @Override
  public String toString() {
    return "BucketConfig[backend=" + backend + ", prefix=" + prefix + ", filesystemDir=" + filesystemDir + ", s3=" + s3
        + ", gcs=" + gcs + ", azure=" + azure + "]";
  }

  /** Every problem with these settings, empty when valid. */
  public List<String> validate() {
    List<String> problems = new ArrayList<>();
    problems.addAll(validatePrefix(prefix));
    switch (backend) {
      case FILESYSTEM -> {
        if (filesystemDir.isBlank()) {
          problems.add(FILESYSTEM_DIR.describe() + ": required when storage.backend is filesystem");
        }
      }
      case S3 -> problems.addAll(s3.validate());
      case GCS -> problems.addAll(gcs.validate());
      case AZURE -> problems.addAll(azure.validate());
      default -> problems.add(BACKEND.describe() + ": unsupported backend \"" + backend + "\"; use one of "
          + String.join(", ", BACKENDS));
    }
    return problems;
  }

  private static List<String> validatePrefix(String prefix) {
    if (prefix.isEmpty()) {
      return List.of();
    }
    String body = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    String bad = null;
    if (body.isEmpty() || body.startsWith("/")) {
      bad = "must not start with '/'";
    } else {
      for (String segment : body.split("/", -1)) {
        if (segment.isEmpty()) {
          bad = "must not contain an empty path segment ('//')";
        } else if (segment.equals(".") || segment.equals("..")) {
          bad = "must not contain a '" + segment + "' path segment";
        } else if (!segment.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_'
            || c == '.'))) {
          bad = "may only contain letters, digits, '-', '_', '.' and '/'";
        }
        if (bad != null) {
          break;
        }
      }
    }
    return bad == null ? List.of() : List.of(PREFIX.describe() + ": \"" + prefix + "\" " + bad);
  }
}
