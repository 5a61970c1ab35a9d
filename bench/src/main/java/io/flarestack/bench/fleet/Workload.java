package io.flarestack.bench.fleet;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A fleet shape from storage-and-performance.md §6.2.
 *
 * @param id {@code W-S}, {@code W-C} or {@code W-M}
 * @param services number of services ({@code svc-0} ...)
 * @param podsPerService pods of each service
 * @param interval upload period of every pod (15 s in the reference)
 * @param podGeneration how often pod names change: every deploy (6 h) or, for W-C, every 10 min
 * @param requestIdsPerHour distinct values of a {@code request_id} label per hour (0: no such label)
 */
public record Workload(String id, int services, int podsPerService, Duration interval, Duration podGeneration,
    int requestIdsPerHour) {
  /** A simulated deploy: new {@code version}, new pod names, 30% of locations move. */
  public static final Duration DEPLOY_EVERY = Duration.ofHours(6);

  public Workload {
    requireNonNull(id, "id is null");
    requireNonNull(interval, "interval is null");
    requireNonNull(podGeneration, "podGeneration is null");
    if (services <= 0 || podsPerService <= 0) {
      throw new IllegalArgumentException("services and podsPerService must be positive, got " + services + " x "
          + podsPerService);
    }
    if (interval.isZero() || interval.isNegative() || podGeneration.isZero() || podGeneration.isNegative()) {
      throw new IllegalArgumentException("interval and podGeneration must be positive, got " + interval + ", "
          + podGeneration);
    }
    if (requestIdsPerHour < 0) {
      throw new IllegalArgumentException("requestIdsPerHour must be >= 0, got " + requestIdsPerHour);
    }
  }

  /** W-S: 20 services x 5 pods, Go and Java, uploads every 15 s. */
  public static final Workload W_S = new Workload("W-S", 20, 5, Duration.ofSeconds(15), DEPLOY_EVERY, 0);
  /** W-C: W-S plus a request_id label with 10K values per hour and new pod names every 10 min. */
  public static final Workload W_C = new Workload("W-C", 20, 5, Duration.ofSeconds(15), Duration.ofMinutes(10), 10_000);
  /** W-M: 50 services x 20 pods. */
  public static final Workload W_M = new Workload("W-M", 50, 20, Duration.ofSeconds(15), DEPLOY_EVERY, 0);

  public static List<Workload> all() {
    return List.of(W_S, W_C, W_M);
  }

  /** The named workload (case-insensitive, {@code ws} = {@code W-S}). */
  public static Workload named(String name) {
    String n = name.toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
    for (Workload w : all()) {
      if (w.id.replace("-", "").equals(n)) {
        return w;
      }
    }
    throw new IllegalArgumentException("unknown workload \"" + name + "\"; known: W-S, W-C, W-M");
  }

  /** This workload with another upload interval. */
  public Workload withInterval(Duration d) {
    return new Workload(id, services, podsPerService, d, podGeneration, requestIdsPerHour);
  }

  public int pods() {
    return services * podsPerService;
  }
}
