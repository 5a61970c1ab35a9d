package io.flarestack.ingester;

import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.Option;
import java.util.List;

/**
 * The ingester's settings.
 *
 * @param maxLocalSeriesPerTenant series a tenant may have in this ingester's head; 0 = unlimited
 */
public record IngesterConfig(int maxLocalSeriesPerTenant) {
  public static final Option<Integer> MAX_LOCAL_SERIES_PER_TENANT = Option.integer(
      "limits.max_local_series_per_tenant", "ingester.max-local-series-per-tenant", 0,
      "Maximum number of active series per tenant in one ingester; 0 disables the limit.");

  public IngesterConfig {
    if (maxLocalSeriesPerTenant < 0) {
      throw new IllegalArgumentException(
          "ingester.max-local-series-per-tenant must be >= 0, got " + maxLocalSeriesPerTenant);
    }
  }

  public static List<Option<?>> options() {
    return List.of(MAX_LOCAL_SERIES_PER_TENANT);
  }

  public static IngesterConfig from(ConfigValues v) {
    return new IngesterConfig(v.get(MAX_LOCAL_SERIES_PER_TENANT));
  }

  public static IngesterConfig defaults() {
    return new IngesterConfig(0);
  }
}
