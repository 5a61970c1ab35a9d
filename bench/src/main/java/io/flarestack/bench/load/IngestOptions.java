package io.flarestack.bench.load;

import static java.util.Objects.requireNonNull;

import io.flarestack.bench.fleet.Kind;
import io.flarestack.bench.fleet.Workload;
import java.time.Duration;
import java.util.Set;

/**
 * Settings of an ingest run.
 *
 * @param url the server's base URL
 * @param tenant {@code X-Scope-OrgID}, or null
 * @param workload fleet shape
 * @param seed makes every payload and label reproducible
 * @param duration wall-clock limit of the run
 * @param paced true: each upload is sent at its scheduled time (a real fleet); false: as fast as
 *     the senders can (throughput)
 * @param fromOffset start of the schedule relative to the run start (0 for paced; negative, e.g.
 *     -50m or -24h, to backfill data with past timestamps)
 * @param protocol {@code push}, {@code ingest} or {@code mixed} (by pod) for pprof uploads
 * @param jfr {@code auto} (probe once; a 422 turns JFR off and is reported), {@code on}, {@code off}
 * @param concurrency parallel senders
 * @param progress interval of the progress line
 * @param services only these services (empty: all)
 * @param kinds only these upload kinds (empty: all)
 * @param untilOffset end of a backfill's schedule relative to the run start (null: the run start),
 *     e.g. {@code --from -2h --until -1h} for exactly one past hour; only with a negative
 *     {@code fromOffset} in max mode
 */
public record IngestOptions(String url, String tenant, Workload workload, long seed, Duration duration,
    boolean paced, Duration fromOffset, String protocol, String jfr, int concurrency, Duration progress,
    Set<String> services, Set<Kind> kinds, Duration untilOffset) {
  /** Options whose backfill ends at the run start. */
  public IngestOptions(String url, String tenant, Workload workload, long seed, Duration duration, boolean paced,
      Duration fromOffset, String protocol, String jfr, int concurrency, Duration progress, Set<String> services,
      Set<Kind> kinds) {
    this(url, tenant, workload, seed, duration, paced, fromOffset, protocol, jfr, concurrency, progress, services,
        kinds, null);
  }

  public IngestOptions {
    requireNonNull(url, "url is null");
    requireNonNull(workload, "workload is null");
    requireNonNull(duration, "duration is null");
    requireNonNull(fromOffset, "fromOffset is null");
    requireNonNull(progress, "progress is null");
    requireNonNull(services, "services is null");
    requireNonNull(kinds, "kinds is null");
    if (!Set.of("push", "ingest", "mixed").contains(protocol)) {
      throw new IllegalArgumentException("--protocol must be push, ingest or mixed, got " + protocol);
    }
    if (!Set.of("auto", "on", "off").contains(jfr)) {
      throw new IllegalArgumentException("--jfr must be auto, on or off, got " + jfr);
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("--concurrency must be >= 1, got " + concurrency);
    }
    if (untilOffset != null && (paced || !fromOffset.isNegative() || untilOffset.compareTo(fromOffset) <= 0)) {
      throw new IllegalArgumentException("--until needs --mode max and a negative --from before it, got --from "
          + fromOffset + " --until " + untilOffset);
    }
  }

  /** Length of the schedule: the duration when paced or not backfilling, else from the start to the end offset. */
  public long spanNanos() {
    if (paced || !fromOffset.isNegative()) {
      return duration.toNanos();
    }
    return (untilOffset == null ? 0 : untilOffset.toNanos()) - fromOffset.toNanos();
  }
}
