package io.flarestack.distributor.writepath;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.Option;
import io.flarestack.common.limits.Limits;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the distributor places series on ingesters ({@link IngesterRouter} explains the rules).
 *
 * @param mode {@link Mode#SERVICE} (a service's series stay on its shuffle shard) or
 *     {@link Mode#SERIES} (Pyroscope v1: every series hashed over all ingesters)
 * @param serviceShardTargetRateMb MB/s of one service's profiles each ingester of its shard
 *     should take at most; the shard widens beyond the replication factor to keep to it. 0 never
 *     widens
 * @param trackedServicesPerTenant how many services' rates one distributor tracks per tenant;
 *     the least recently pushed is forgotten beyond that (its shard falls back to the
 *     replication factor until its rate is measured again)
 */
public record IngesterShardingConfig(Mode mode, double serviceShardTargetRateMb, int trackedServicesPerTenant) {
  /** Where the series of one service go. */
  public enum Mode {
    /** Each series to the replicas of its own label hash over every ingester (Pyroscope v1). */
    SERIES,
    /** Each service to a shuffle shard of ingesters; its series spread within the shard. */
    SERVICE;

    /** The flag's spelling. */
    public String flagValue() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static final Option<String> MODE = Option.string("distributor.ingester_sharding",
      "distributor.ingester-sharding", "service",
      "How series are placed on ingesters: 'service' keeps each service (tenant, service_name) on a shuffle shard of"
          + " ingesters, at least the replication factor and widened by"
          + " -distributor.service-shard-target-rate-mb, so its symbols are held by few ingesters; 'series' hashes each"
          + " series over every ingester, as Pyroscope v1. Flarestack only.");
  public static final Option<Double> SERVICE_SHARD_TARGET_RATE_MB = Option.doubleValue(
      "distributor.service_shard_target_rate_mb", "distributor.service-shard-target-rate-mb", 4,
      "With -distributor.ingester-sharding=service: the MB/s of one service's profiles (decompressed, as sent to the"
          + " ingesters, replicas included) each ingester of the service's shard should take at most. A shard holds"
          + " max(replication factor, ceil(rate x replication factor / this)) ingesters, the rate being this"
          + " distributor's 1-minute moving average times the healthy distributors; it shrinks only once the rate"
          + " would fit half as many. 0 never widens. Flarestack only.");
  public static final Option<Integer> SERVICE_SHARD_TRACKED_SERVICES = Option.integer(
      "distributor.service_shard_tracked_services", "distributor.service-shard-tracked-services", 1000,
      "The most services per tenant whose ingestion rate one distributor tracks to size their shards; beyond it the"
          + " least recently pushed is forgotten, as is any service idle for 10 minutes. Flarestack only.");

  public IngesterShardingConfig {
    requireNonNull(mode, "mode is null");
    if (!(serviceShardTargetRateMb >= 0) || Double.isInfinite(serviceShardTargetRateMb)) {
      throw new IllegalArgumentException(SERVICE_SHARD_TARGET_RATE_MB.describe() + " must be a finite number >= 0, got "
          + serviceShardTargetRateMb);
    }
    if (trackedServicesPerTenant <= 0) {
      throw new IllegalArgumentException(SERVICE_SHARD_TRACKED_SERVICES.describe() + " must be positive, got "
          + trackedServicesPerTenant);
    }
  }

  public static List<Option<?>> options() {
    return List.of(MODE, SERVICE_SHARD_TARGET_RATE_MB, SERVICE_SHARD_TRACKED_SERVICES);
  }

  /** Every problem with the raw values (these options and the tenant shard size), empty when valid. */
  public static List<String> validate(ConfigValues values) {
    List<String> problems = new ArrayList<>();
    String mode = values.get(MODE);
    if (parseMode(mode) == null) {
      problems.add(MODE.describe() + ": unknown mode \"" + mode + "\"; use service or series");
    }
    double rate = values.get(SERVICE_SHARD_TARGET_RATE_MB);
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      problems.add(SERVICE_SHARD_TARGET_RATE_MB.describe() + ": must be a finite number >= 0, got " + rate);
    }
    int tracked = values.get(SERVICE_SHARD_TRACKED_SERVICES);
    if (tracked <= 0) {
      problems.add(SERVICE_SHARD_TRACKED_SERVICES.describe() + ": must be positive, got " + tracked);
    }
    int tenantShard = values.get(Limits.INGESTION_TENANT_SHARD_SIZE);
    if (tenantShard < 0) {
      problems.add(Limits.INGESTION_TENANT_SHARD_SIZE.describe() + ": must be 0 (every ingester) or positive, got "
          + tenantShard);
    }
    return problems;
  }

  /**
   * @throws IllegalArgumentException when a value is invalid ({@link #validate} names them all)
   */
  public static IngesterShardingConfig from(ConfigValues values) {
    Mode mode = parseMode(values.get(MODE));
    if (mode == null) {
      throw new IllegalArgumentException(MODE.describe() + ": unknown mode \"" + values.get(MODE)
          + "\"; use service or series");
    }
    return new IngesterShardingConfig(mode, values.get(SERVICE_SHARD_TARGET_RATE_MB),
        values.get(SERVICE_SHARD_TRACKED_SERVICES));
  }

  public static IngesterShardingConfig defaults() {
    return new IngesterShardingConfig(Mode.SERVICE, SERVICE_SHARD_TARGET_RATE_MB.defaultValue(),
        SERVICE_SHARD_TRACKED_SERVICES.defaultValue());
  }

  /** A copy with another mode. */
  public IngesterShardingConfig withMode(Mode other) {
    return new IngesterShardingConfig(other, serviceShardTargetRateMb, trackedServicesPerTenant);
  }

  /** A copy with another target rate. */
  public IngesterShardingConfig withServiceShardTargetRateMb(double mb) {
    return new IngesterShardingConfig(mode, mb, trackedServicesPerTenant);
  }

  /** The target rate in bytes per second (MB as 2^20 bytes, as the ingestion rate limit counts). */
  double targetBytesPerSecond() {
    return serviceShardTargetRateMb * (1 << 20);
  }

  private static Mode parseMode(String value) {
    for (Mode m : Mode.values()) {
      if (m.flagValue().equals(value)) {
        return m;
      }
    }
    return null;
  }
}
