package io.flarestack.querier;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.config.Option;
import java.time.Clock;
import java.time.Duration;

/**
 * Pyroscope's {@code -querier.query-store-after}: which backends a read needs by time. Flarestack
 * counts each profile once by splitting reads by block id (docs/storage.md), so it does not need
 * this to be correct, and it is off by default; when set, it only saves calls: a range that lies
 * wholly within the last {@code after} is not sent to the store-gateways (the ingesters still
 * hold it), and one that ends before {@code now - after} is not sent to the ingesters (their
 * blocks of that age are in the bucket). Set it only when ingesters keep their data (head and
 * local blocks, {@code -pyroscopedb.*} retention) for at least that long and upload well within
 * it. Immutable and thread-safe.
 *
 * @param after 0 = every read goes to both
 */
public record QueryStoreAfter(Duration after, Clock clock) {
  public static final Option<Duration> OPTION = Option.duration("querier.query_store_after",
      "querier.query-store-after", Duration.ZERO,
      "The time after which data is queried from the store-gateways only, and before which from the ingesters only. "
          + "0 (the default) asks both for every range: Flarestack's split by block id counts each profile once "
          + "without it.");

  /** Every read goes to ingesters and store-gateways. */
  public static final QueryStoreAfter OFF = new QueryStoreAfter(Duration.ZERO, Clock.systemUTC());

  public QueryStoreAfter {
    requireNonNull(after, "after is null");
    requireNonNull(clock, "clock is null");
    if (after.isNegative()) {
      throw new IllegalArgumentException(OPTION.describe() + " must not be negative, got " + after);
    }
  }

  /** Whether the ingesters may hold profiles of {@code [startMs, endMs]} (0 and 0: all time). */
  boolean asksIngesters(long startMs, long endMs) {
    return after.isZero() || (startMs == 0 && endMs == 0) || endMs >= clock.millis() - after.toMillis();
  }

  /** Whether the store-gateways may hold profiles of {@code [startMs, endMs]} (0 and 0: all time). */
  boolean asksStoreGateways(long startMs, long endMs) {
    return after.isZero() || (startMs == 0 && endMs == 0) || startMs < clock.millis() - after.toMillis();
  }
}
