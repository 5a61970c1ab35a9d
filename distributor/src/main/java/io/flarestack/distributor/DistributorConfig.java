package io.flarestack.distributor;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.Option;
import java.time.Duration;
import java.util.List;

/**
 * The {@code distributor:} settings the distributor itself reads.
 *
 * <p>The {@code max_*_per_request} limits bound one push request (Connect, gRPC, {@code /ingest},
 * OTLP) while it is decoded, before it is built in memory; Pyroscope has no such limits, so the
 * defaults are far above what real clients send (one SDK upload is one series and one profile).
 *
 * @param pushTimeout how long one write to the ingesters may take; the write runs detached from
 *     the client's request, so a client that goes away does not cancel it
 * @param maxSeriesPerRequest series in one push request
 * @param maxProfilesPerRequest profiles in one push request (Push's raw samples, OTLP profiles)
 * @param maxSamplesPerRequest samples in all the profiles of one push request
 * @param maxLabelsPerRequest series labels in one push request (OTLP: resource and scope attributes)
 */
public record DistributorConfig(Duration pushTimeout, int maxSeriesPerRequest, int maxProfilesPerRequest,
    int maxSamplesPerRequest, int maxLabelsPerRequest) {
  public static final Option<Duration> PUSH_TIMEOUT = Option.duration("distributor.pushtimeout",
      "distributor.push.timeout", Duration.ofSeconds(5), "Timeout when pushing data to ingester.");
  public static final Option<Integer> MAX_SERIES_PER_REQUEST = Option.integer("distributor.max_series_per_request",
      "distributor.max-series-per-request", 10_000,
      "The most series one push request may carry; counted while the request is decoded (400 beyond). Flarestack only.");
  public static final Option<Integer> MAX_PROFILES_PER_REQUEST = Option.integer("distributor.max_profiles_per_request",
      "distributor.max-profiles-per-request", 10_000,
      "The most profiles one push request may carry (Push samples, OTLP profiles); counted while the request is decoded"
          + " (400 beyond). Flarestack only.");
  public static final Option<Integer> MAX_SAMPLES_PER_REQUEST = Option.integer("distributor.max_samples_per_request",
      "distributor.max-samples-per-request", 2_000_000,
      "The most samples all profiles of one push request may carry together; counted while they are decoded (400"
          + " beyond). Each profile is also bounded by -validation.max-profile-stacktrace-samples. Flarestack only.");
  public static final Option<Integer> MAX_LABELS_PER_REQUEST = Option.integer("distributor.max_labels_per_request",
      "distributor.max-labels-per-request", 300_000,
      "The most series labels one push request may carry (OTLP: resource and scope attributes); counted while the"
          + " request is decoded (400 beyond). Flarestack only.");

  public DistributorConfig {
    requireNonNull(pushTimeout, "pushTimeout is null");
    if (pushTimeout.isNegative() || pushTimeout.isZero()) {
      throw new IllegalArgumentException(PUSH_TIMEOUT.describe() + " must be positive, got " + pushTimeout);
    }
    positive(MAX_SERIES_PER_REQUEST, maxSeriesPerRequest);
    positive(MAX_PROFILES_PER_REQUEST, maxProfilesPerRequest);
    positive(MAX_SAMPLES_PER_REQUEST, maxSamplesPerRequest);
    positive(MAX_LABELS_PER_REQUEST, maxLabelsPerRequest);
  }

  private static void positive(Option<Integer> option, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(option.describe() + " must be positive, got " + value);
    }
  }

  public static List<Option<?>> options() {
    return List.of(PUSH_TIMEOUT, MAX_SERIES_PER_REQUEST, MAX_PROFILES_PER_REQUEST, MAX_SAMPLES_PER_REQUEST,
        MAX_LABELS_PER_REQUEST);
  }

  public static DistributorConfig from(ConfigValues values) {
    return new DistributorConfig(values.get(PUSH_TIMEOUT), values.get(MAX_SERIES_PER_REQUEST),
        values.get(MAX_PROFILES_PER_REQUEST), values.get(MAX_SAMPLES_PER_REQUEST), values.get(MAX_LABELS_PER_REQUEST));
  }

  /** A copy with another push timeout. */
  public DistributorConfig withPushTimeout(Duration timeout) {
    return new DistributorConfig(timeout, maxSeriesPerRequest, maxProfilesPerRequest, maxSamplesPerRequest,
        maxLabelsPerRequest);
  }

  public static DistributorConfig defaults() {
    return new DistributorConfig(PUSH_TIMEOUT.defaultValue(), MAX_SERIES_PER_REQUEST.defaultValue(),
        MAX_PROFILES_PER_REQUEST.defaultValue(), MAX_SAMPLES_PER_REQUEST.defaultValue(),
        MAX_LABELS_PER_REQUEST.defaultValue());
  }
}
