package io.flarestack.queryscheduler;

import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.Option;
import java.util.List;

/**
 * Configuration of the query-scheduler (YAML block {@code query_scheduler}). The scheduler's
 * per-tenant queues come with the microservices mode; the keys are declared now so that
 * Pyroscope configuration files load unchanged, marked as having no effect yet.
 */
public record QuerySchedulerConfig(int maxOutstandingRequestsPerTenant) {
  public static final String MODULE = "query-scheduler";

  public static final Option<Integer> MAX_OUTSTANDING_REQUESTS_PER_TENANT = Option.integer(
      "query_scheduler.max_outstanding_requests_per_tenant", "query-scheduler.max-outstanding-requests-per-tenant", 100,
      "Maximum number of outstanding requests per tenant per query-scheduler; more are rejected with 429.")
      .withNoEffectYet("the query-scheduler is not built yet; queries wait in the querier's queue"
          + " (-querier.max-queued-queries)");

  public static List<Option<?>> options() {
    return List.of(MAX_OUTSTANDING_REQUESTS_PER_TENANT);
  }

  public static QuerySchedulerConfig from(ConfigValues v) {
    return new QuerySchedulerConfig(v.get(MAX_OUTSTANDING_REQUESTS_PER_TENANT));
  }
}
