package io.flarestack.querier;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.Option;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The querier's own settings: how long a query may run and how many run at once. A query is one
 * public Querier API call (Connect, gRPC) or one legacy {@code /pyroscope/render},
 * {@code render-diff} or {@code label-values} request; the querier's internal calls to ingesters
 * and store-gateways are part of it.
 *
 * @param queryTimeout the longest a query may take, waiting for a slot included; a client's
 *     shorter deadline wins; {@link Duration#ZERO} = no limit but the client's
 * @param maxConcurrent queries running at once in this process
 * @param maxQueued queries waiting, in arrival order, for a running one to end; beyond them a
 *     query is rejected at once
 * @param maxQueueWait the longest a query waits for a slot before it is rejected
 */
public record QuerierConfig(Duration queryTimeout, int maxConcurrent, int maxQueued, Duration maxQueueWait) {
  public static final Option<Duration> QUERY_TIMEOUT = Option.duration("querier.query_timeout", "querier.query-timeout",
      Duration.ofMinutes(2),
      "Longest a query may run (queue wait included) before it stops and answers deadline_exceeded (HTTP 504); "
          + "a shorter client deadline (Connect-Timeout-Ms, grpc-timeout) wins. 0 disables it. Flarestack only: "
          + "Pyroscope v1 has no query timeout (only its HTTP server timeouts).");
  /** Pyroscope keeps this flag in its querier worker's block ({@code frontend_worker}). */
  public static final Option<Integer> MAX_CONCURRENT = Option.integer("frontend_worker.max_concurrent",
      "querier.max-concurrent", 4,
      "The maximum number of queries running at once in this process (Querier API calls and /pyroscope/render, "
          + "render-diff and label-values requests); more wait in a queue.");
  public static final Option<Integer> MAX_QUEUED = Option.integer("querier.max_queued_queries",
      "querier.max-queued-queries", 64,
      "Queries that may wait, first come first served, while -querier.max-concurrent are running; a query beyond "
          + "them is rejected at once with resource_exhausted (HTTP 429). Flarestack only.");
  public static final Option<Duration> MAX_QUEUE_WAIT = Option.duration("querier.max_queue_wait",
      "querier.max-queue-wait", Duration.ofSeconds(15),
      "Longest a query waits in the queue for a running query to end before it is rejected with resource_exhausted "
          + "(HTTP 429). Flarestack only.");

  public QuerierConfig {
    requireNonNull(queryTimeout, "queryTimeout is null");
    requireNonNull(maxQueueWait, "maxQueueWait is null");
    List<String> problems = problems(queryTimeout, maxConcurrent, maxQueued, maxQueueWait);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  public static List<Option<?>> options() {
    return List.of(QUERY_TIMEOUT, MAX_CONCURRENT, MAX_QUEUED, MAX_QUEUE_WAIT, QueryStoreAfter.OPTION,
        ReplicatedRead.MAX_PROFILE_KEYS);
  }

  /** Problems with the values, each naming the option; empty when valid. */
  public static List<String> validate(ConfigValues v) {
    List<String> p = problems(v.get(QUERY_TIMEOUT), v.get(MAX_CONCURRENT), v.get(MAX_QUEUED), v.get(MAX_QUEUE_WAIT));
    if (v.get(ReplicatedRead.MAX_PROFILE_KEYS) < 1) {
      p.add(ReplicatedRead.MAX_PROFILE_KEYS.describe() + " must be at least 1, got " + v.get(ReplicatedRead.MAX_PROFILE_KEYS));
    }
    if (v.get(QueryStoreAfter.OPTION).isNegative()) {
      p.add(QueryStoreAfter.OPTION.describe() + " must not be negative, got " + v.get(QueryStoreAfter.OPTION));
    }
    return p;
  }

  private static List<String> problems(Duration queryTimeout, int maxConcurrent, int maxQueued, Duration maxQueueWait) {
    List<String> p = new ArrayList<>();
    if (queryTimeout.isNegative()) {
      p.add(QUERY_TIMEOUT.describe() + " must not be negative, got " + queryTimeout);
    }
    if (maxConcurrent < 1) {
      p.add(MAX_CONCURRENT.describe() + " must be at least 1, got " + maxConcurrent);
    }
    if (maxQueued < 0) {
      p.add(MAX_QUEUED.describe() + " must not be negative, got " + maxQueued);
    }
    if (maxQueueWait.isNegative() || maxQueueWait.isZero()) {
      p.add(MAX_QUEUE_WAIT.describe() + " must be positive, got " + maxQueueWait);
    }
    return p;
  }

  public static QuerierConfig from(ConfigValues v) {
    return new QuerierConfig(v.get(QUERY_TIMEOUT), v.get(MAX_CONCURRENT), v.get(MAX_QUEUED), v.get(MAX_QUEUE_WAIT));
  }

  /** The defaults. */
  public static QuerierConfig defaults() {
    return new QuerierConfig(QUERY_TIMEOUT.defaultValue(), MAX_CONCURRENT.defaultValue(), MAX_QUEUED.defaultValue(),
        MAX_QUEUE_WAIT.defaultValue());
  }
}
