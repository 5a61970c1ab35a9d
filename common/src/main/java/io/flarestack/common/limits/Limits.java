package io.flarestack.common.limits;

import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.Option;
import java.time.Duration;
import java.util.List;

/**
 * Per-tenant limits (the {@code limits:} YAML block), with Pyroscope's keys, flags and
 * defaults. Today every tenant gets these defaults; runtime overrides per tenant come later
 * behind {@link TenantLimits}.
 */
public record Limits(
    double ingestionRateMb,
    double ingestionBurstSizeMb,
    long ingestionBodyLimitBytes,
    int maxLabelNameLength,
    int maxLabelValueLength,
    int maxLabelNamesPerSeries,
    long maxProfileSizeBytes,
    int maxProfileStacktraceSamples,
    int maxProfileStacktraceSampleLabels,
    int maxProfileStacktraceDepth,
    int maxProfileSymbolValueLength,
    Duration rejectOlderThan,
    Duration rejectNewerThan,
    Duration maxQueryLookback,
    Duration maxQueryLength,
    int maxFlameGraphNodesDefault,
    int maxFlameGraphNodesMax,
    int ingestionTenantShardSize) {

  public static final Option<Double> INGESTION_RATE_MB = Option.doubleValue("limits.ingestion_rate_mb",
      "distributor.ingestion-rate-limit-mb", 4, "Per-tenant ingestion rate limit in MB/s of decompressed profiles.");
  public static final Option<Double> INGESTION_BURST_SIZE_MB = Option.doubleValue("limits.ingestion_burst_size_mb",
      "distributor.ingestion-burst-size-mb", 2, "Per-tenant ingestion burst size in MB.");
  public static final Option<Long> INGESTION_BODY_LIMIT = Option.mebibytes("limits.ingestion_body_limit_mb",
      "distributor.ingestion-body-limit-mb", 256L << 20, "Maximum size of one push request body.");
  public static final Option<Integer> MAX_LABEL_NAME_LENGTH = Option.integer("limits.max_label_name_length",
      "validation.max-length-label-name", 1024, "Maximum length of a label name.");
  public static final Option<Integer> MAX_LABEL_VALUE_LENGTH = Option.integer("limits.max_label_value_length",
      "validation.max-length-label-value", 2048, "Maximum length of a label value.");
  public static final Option<Integer> MAX_LABEL_NAMES_PER_SERIES = Option.integer("limits.max_label_names_per_series",
      "validation.max-label-names-per-series", 30, "Maximum number of label names per series.");
  public static final Option<Long> MAX_PROFILE_SIZE_BYTES = Option.bytes("limits.max_profile_size_bytes",
      "validation.max-profile-size-bytes", 4L << 20, "Maximum decompressed size of one profile.");
  public static final Option<Integer> MAX_PROFILE_STACKTRACE_SAMPLES = Option.integer("limits.max_profile_stacktrace_samples",
      "validation.max-profile-stacktrace-samples", 16000, "Maximum number of samples in one profile.");
  public static final Option<Integer> MAX_PROFILE_STACKTRACE_SAMPLE_LABELS = Option.integer(
      "limits.max_profile_stacktrace_sample_labels", "validation.max-profile-stacktrace-sample-labels", 100,
      "Maximum number of labels on one sample.");
  public static final Option<Integer> MAX_PROFILE_STACKTRACE_DEPTH = Option.integer("limits.max_profile_stacktrace_depth",
      "validation.max-profile-stacktrace-depth", 1000, "Deeper stacks are truncated, keeping the leaf frames.");
  public static final Option<Integer> MAX_PROFILE_SYMBOL_VALUE_LENGTH = Option.integer(
      "limits.max_profile_symbol_value_length", "validation.max-profile-symbol-value-length", 65535,
      "Longer symbol strings are truncated.");
  public static final Option<Duration> REJECT_OLDER_THAN = Option.duration("limits.reject_older_than",
      "validation.reject-older-than", Duration.ofHours(1), "Profiles older than this are rejected.");
  public static final Option<Duration> REJECT_NEWER_THAN = Option.duration("limits.reject_newer_than",
      "validation.reject-newer-than", Duration.ofMinutes(10), "Profiles further in the future than this are rejected.");
  public static final Option<Duration> MAX_QUERY_LOOKBACK = Option.duration("limits.max_query_lookback",
      "querier.max-query-lookback", Duration.ofDays(7), "How far back queries may look; older ranges answer empty.");
  public static final Option<Duration> MAX_QUERY_LENGTH = Option.duration("limits.max_query_length",
      "querier.max-query-length", Duration.ofDays(1), "Longest time range one query may cover (0 = unlimited).");
  public static final Option<Integer> MAX_FLAMEGRAPH_NODES_DEFAULT = Option.integer("limits.max_flamegraph_nodes_default",
      "querier.max-flamegraph-nodes-default", 8192, "Flame graph node budget when a query sets none.");
  public static final Option<Integer> MAX_FLAMEGRAPH_NODES_MAX = Option.integer("limits.max_flamegraph_nodes_max",
      "querier.max-flamegraph-nodes-max", 1048576, "Largest flame graph node budget a query may ask for.");

  public static final Option<Integer> INGESTION_TENANT_SHARD_SIZE = Option.integer("limits.ingestion_tenant_shard_size",
      "distributor.ingestion-tenant-shard-size", 0,
      "How many ingesters a tenant's series are spread over (shuffle sharding); 0 = every ingester. With"
          + " -distributor.ingester-sharding=service each service's shard is chosen within the tenant's. Values below"
          + " the replication factor count as the replication factor.");

  /** The limits without a tenant shard size (0: every ingester), for callers that predate it. */
  public Limits(double ingestionRateMb, double ingestionBurstSizeMb, long ingestionBodyLimitBytes,
      int maxLabelNameLength, int maxLabelValueLength, int maxLabelNamesPerSeries, long maxProfileSizeBytes,
      int maxProfileStacktraceSamples, int maxProfileStacktraceSampleLabels, int maxProfileStacktraceDepth,
      int maxProfileSymbolValueLength, Duration rejectOlderThan, Duration rejectNewerThan, Duration maxQueryLookback,
      Duration maxQueryLength, int maxFlameGraphNodesDefault, int maxFlameGraphNodesMax) {
    this(ingestionRateMb, ingestionBurstSizeMb, ingestionBodyLimitBytes, maxLabelNameLength, maxLabelValueLength,
        maxLabelNamesPerSeries, maxProfileSizeBytes, maxProfileStacktraceSamples, maxProfileStacktraceSampleLabels,
        maxProfileStacktraceDepth, maxProfileSymbolValueLength, rejectOlderThan, rejectNewerThan, maxQueryLookback,
        maxQueryLength, maxFlameGraphNodesDefault, maxFlameGraphNodesMax, 0);
  }

  public static List<Option<?>> options() {
    return List.of(INGESTION_RATE_MB, INGESTION_BURST_SIZE_MB, INGESTION_BODY_LIMIT, MAX_LABEL_NAME_LENGTH,
        MAX_LABEL_VALUE_LENGTH, MAX_LABEL_NAMES_PER_SERIES, MAX_PROFILE_SIZE_BYTES, MAX_PROFILE_STACKTRACE_SAMPLES,
        MAX_PROFILE_STACKTRACE_SAMPLE_LABELS, MAX_PROFILE_STACKTRACE_DEPTH, MAX_PROFILE_SYMBOL_VALUE_LENGTH,
        REJECT_OLDER_THAN, REJECT_NEWER_THAN, MAX_QUERY_LOOKBACK, MAX_QUERY_LENGTH, MAX_FLAMEGRAPH_NODES_DEFAULT,
        MAX_FLAMEGRAPH_NODES_MAX, INGESTION_TENANT_SHARD_SIZE);
  }

  public static Limits from(ConfigValues v) {
    return new Limits(v.get(INGESTION_RATE_MB), v.get(INGESTION_BURST_SIZE_MB), v.get(INGESTION_BODY_LIMIT),
        v.get(MAX_LABEL_NAME_LENGTH), v.get(MAX_LABEL_VALUE_LENGTH), v.get(MAX_LABEL_NAMES_PER_SERIES),
        v.get(MAX_PROFILE_SIZE_BYTES), v.get(MAX_PROFILE_STACKTRACE_SAMPLES), v.get(MAX_PROFILE_STACKTRACE_SAMPLE_LABELS),
        v.get(MAX_PROFILE_STACKTRACE_DEPTH), v.get(MAX_PROFILE_SYMBOL_VALUE_LENGTH), v.get(REJECT_OLDER_THAN),
        v.get(REJECT_NEWER_THAN), v.get(MAX_QUERY_LOOKBACK), v.get(MAX_QUERY_LENGTH), v.get(MAX_FLAMEGRAPH_NODES_DEFAULT),
        v.get(MAX_FLAMEGRAPH_NODES_MAX), v.get(INGESTION_TENANT_SHARD_SIZE));
  }

  /** Pyroscope's defaults. */
  public static Limits defaults() {
    return new Limits(4, 2, 256L << 20, 1024, 2048, 30, 4L << 20, 16000, 100, 1000, 65535, Duration.ofHours(1),
        Duration.ofMinutes(10), Duration.ofDays(7), Duration.ofDays(1), 8192, 1048576, 0);
  }
}
