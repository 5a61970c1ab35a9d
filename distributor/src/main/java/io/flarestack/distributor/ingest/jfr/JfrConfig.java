package io.flarestack.distributor.ingest.jfr;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.Option;
import io.flarestack.common.limits.Limits;
import java.nio.file.Path;
import java.util.List;

/**
 * Settings of JFR ingestion ({@code /ingest?format=jfr}).
 *
 * @param tempDir where uploads are spilled for the JDK's JFR reader (which only reads files);
 *     empty for the JVM's temporary directory. A tmpfs keeps the spill off the disk
 * @param maxSizeBytes the largest decompressed JFR accepted; 0 derives it per tenant as
 *     {@value #SIZE_FACTOR} × {@code max_profile_size_bytes} (or the ingestion body limit when
 *     that is 0)
 */
public record JfrConfig(String tempDir, long maxSizeBytes) {
  /** One JFR holds several profiles (CPU, allocations, locks), each bounded by the profile size limit. */
  static final int SIZE_FACTOR = 8;

  public static final Option<String> TEMP_DIR = Option.string("distributor.jfr_temp_dir", "distributor.jfr-temp-dir", "",
      "Directory where uploaded JFR recordings are spilled while they are parsed (empty: the JVM's temporary directory).");
  public static final Option<Long> MAX_SIZE = Option.bytes("distributor.jfr_max_size_bytes",
      "distributor.jfr-max-size-bytes", 0L,
      "Largest decompressed JFR recording accepted by /ingest (0: " + SIZE_FACTOR
          + " times -validation.max-profile-size-bytes).");

  public JfrConfig {
    requireNonNull(tempDir, "tempDir is null");
    if (maxSizeBytes < 0) {
      throw new IllegalArgumentException(MAX_SIZE.describe() + " must not be negative, got " + maxSizeBytes);
    }
  }

  public static List<Option<?>> options() {
    return List.of(TEMP_DIR, MAX_SIZE);
  }

  public static JfrConfig from(ConfigValues values) {
    return new JfrConfig(values.get(TEMP_DIR), values.get(MAX_SIZE));
  }

  public static JfrConfig defaults() {
    return new JfrConfig(TEMP_DIR.defaultValue(), MAX_SIZE.defaultValue());
  }

  /** The spill directory. */
  Path tempPath() {
    return Path.of(tempDir.isEmpty() ? System.getProperty("java.io.tmpdir") : tempDir);
  }

  /** The decompressed size limit for a tenant, and how it was set (for error messages). */
  SizeLimit sizeLimit(Limits limits) {
    if (maxSizeBytes > 0) {
      return new SizeLimit(maxSizeBytes, MAX_SIZE.describe());
    }
    if (limits.maxProfileSizeBytes() > 0) {
      return new SizeLimit(SIZE_FACTOR * limits.maxProfileSizeBytes(),
          SIZE_FACTOR + " × " + Limits.MAX_PROFILE_SIZE_BYTES.describe() + "; set " + MAX_SIZE.describe()
              + " to change it");
    }
    return new SizeLimit(limits.ingestionBodyLimitBytes() > 0 ? limits.ingestionBodyLimitBytes() : Long.MAX_VALUE,
        Limits.INGESTION_BODY_LIMIT.describe());
  }

  /**
   * A size bound.
   *
   * @param bytes the most bytes allowed
   * @param source which setting defines it, for messages
   */
  record SizeLimit(long bytes, String source) {}
}
