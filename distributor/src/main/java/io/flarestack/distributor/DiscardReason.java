package io.flarestack.distributor;

/**
 * Why a profile was rejected, with Pyroscope's reason strings: the {@code reason} label of
 * {@code pyroscope_discarded_samples_total} and {@code pyroscope_discarded_bytes_total}.
 */
public enum DiscardReason {
  RATE_LIMITED("rate_limited"),
  PROFILE_SIZE_LIMIT("profile_size_limit"),
  BODY_SIZE_LIMIT("body_size_limit_exceeded"),
  SAMPLES_LIMIT("samples_limit"),
  SAMPLE_LABELS_LIMIT("sample_labels_limit"),
  MAX_LABEL_NAMES_PER_SERIES("max_label_names_per_series"),
  LABEL_NAME_TOO_LONG("label_name_too_long"),
  LABEL_VALUE_TOO_LONG("label_value_too_long"),
  DUPLICATE_LABEL_NAMES("duplicate_label_names"),
  INVALID_LABELS("invalid_labels"),
  MISSING_LABELS("missing_labels"),
  NOT_IN_INGESTION_WINDOW("not_in_ingestion_window"),
  MALFORMED_PROFILE("malformed_profile"),
  UNKNOWN("unknown");

  private final String label;

  DiscardReason(String label) {
    this.label = label;
  }

  /** The metric label value, e.g. {@code rate_limited}. */
  public String label() {
    return label;
  }
}
