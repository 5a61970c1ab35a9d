package io.flarestack.queryfrontend;

import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.Option;
import java.util.List;

/**
 * Configuration of the query-frontend (YAML block {@code frontend}). The frontend, which
 * splits, caches and schedules queries in microservices mode, is not built yet: in
 * {@code -target=all} the querier serves the public query API directly. The keys are declared
 * now so that Pyroscope configuration files load unchanged, marked as having no effect yet.
 */
public record QueryFrontendConfig(int schedulerWorkerConcurrency) {
  public static final String MODULE = "query-frontend";

  public static final Option<Integer> SCHEDULER_WORKER_CONCURRENCY = Option.integer(
      "frontend.scheduler_worker_concurrency", "query-frontend.scheduler-worker-concurrency", 5,
      "Number of concurrent workers forwarding queries to a single query-scheduler.")
      .withNoEffectYet("the query-frontend is not built yet; the querier serves the query API itself");

  public static List<Option<?>> options() {
    return List.of(SCHEDULER_WORKER_CONCURRENCY);
  }

  public static QueryFrontendConfig from(ConfigValues v) {
    return new QueryFrontendConfig(v.get(SCHEDULER_WORKER_CONCURRENCY));
  }
}
