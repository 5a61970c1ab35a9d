package io.flarestack.distributor;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.Option;
import java.time.Duration;
import java.util.List;

/**
 * The {@code distributor:} settings the distributor itself reads.
 *
 * @param pushTimeout how long one write to the ingesters may take; the write runs detached from
 *     the client's request, so a client that goes away does not cancel it
 */
public record DistributorConfig(Duration pushTimeout) {
  public static final Option<Duration> PUSH_TIMEOUT = Option.duration("distributor.pushtimeout",
      "distributor.push.timeout", Duration.ofSeconds(5), "Timeout when pushing data to ingester.");

  public DistributorConfig {
    requireNonNull(pushTimeout, "pushTimeout is null");
    if (pushTimeout.isNegative() || pushTimeout.isZero()) {
      throw new IllegalArgumentException(PUSH_TIMEOUT.describe() + " must be positive, got " + pushTimeout);
    }
  }

  public static List<Option<?>> options() {
    return List.of(PUSH_TIMEOUT);
  }

  public static DistributorConfig from(ConfigValues values) {
    return new DistributorConfig(values.get(PUSH_TIMEOUT));
  }

  public static DistributorConfig defaults() {
    return new DistributorConfig(PUSH_TIMEOUT.defaultValue());
  }
}
