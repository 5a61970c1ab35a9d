package io.flarestack.distributor.writepath;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each service's shard size from its ingestion rate, in bounded memory. Thread-safe.
 *
 * <p><b>Rate.</b> An exponentially weighted moving average over {@link #TIME_CONSTANT} (one
 * minute): each push of {@code b} bytes at time {@code t} sets
 * {@code rate = rate * exp(-(t - last) / T) + b / T}, which converges to the true rate of a
 * steady stream and forgets a burst within a few minutes. It is this distributor's share; the
 * service's rate is that times the number of healthy distributors (clients are assumed spread
 * evenly, as for the global ingestion rate limit).
 *
 * <p><b>Size.</b> With replication factor {@code RF} and target {@code R} bytes/s per ingester,
 * every ingester of a shard of {@code S} takes {@code rate * RF / S} of the service, so the shard
 * grows to {@code max(RF, ceil(rate * RF / R))} as soon as the rate needs it, and shrinks only to
 * {@code max(RF, ceil(2 * rate * RF / R))}, i.e. once half as many ingesters would do: a rate
 * hovering at a boundary does not flap the placement. Widening or shrinking only moves where new
 * profiles go: queriers read every ingester, and each profile is written to one replica set.
 *
 * <p><b>Memory.</b> At most {@code trackedServicesPerTenant} services per tenant, the least
 * recently pushed forgotten first; a service idle for {@link #IDLE_AFTER} is forgotten as the
 * tenant's next pushes come (a forgotten service starts again at the replication factor). One
 * small map per tenant that has pushed while tracking was on.
 */
final class ServiceShardSizes {
  static final Duration TIME_CONSTANT = Duration.ofMinutes(1);
  static final Duration IDLE_AFTER = Duration.ofMinutes(10);
  private static final double TIME_CONSTANT_SECONDS = TIME_CONSTANT.toNanos() / 1e9;
  private static final long IDLE_NANOS = IDLE_AFTER.toNanos();
  /** Sizes beyond any ring; keeps the arithmetic in int. */
  private static final int MAX_SIZE = 1 << 16;

  private final double targetBytesPerSecond;
  private final int trackedServicesPerTenant;
  private final Clock clock;
  private final ConcurrentHashMap<String, Tenant> tenants = new ConcurrentHashMap<>();

  /**
   * @param targetBytesPerSecond what one ingester should take of one service at most; 0 (or
   *     less) never widens and tracks nothing
   */
  ServiceShardSizes(double targetBytesPerSecond, int trackedServicesPerTenant, Clock clock) {
    if (trackedServicesPerTenant <= 0) {
      throw new IllegalArgumentException("trackedServicesPerTenant must be positive, got " + trackedServicesPerTenant);
    }
    this.targetBytesPerSecond = targetBytesPerSecond;
    this.trackedServicesPerTenant = trackedServicesPerTenant;
    this.clock = requireNonNull(clock, "clock is null");
  }

  /**
   * Records {@code bytes} pushed for a service now and returns its shard size.
   *
   * @param replicationFactor the smallest size, and the copies each byte is written as
   * @param distributors healthy distributors sharing the service's pushes (at least 1 is used)
   */
  int record(String tenant, String service, long bytes, int replicationFactor, int distributors) {
    if (targetBytesPerSecond <= 0) {
      return replicationFactor;
    }
    long now = nanos(clock.instant());
    return tenants.computeIfAbsent(tenant, t -> new Tenant(trackedServicesPerTenant))
        .record(service, bytes, now, replicationFactor, Math.max(1, distributors), targetBytesPerSecond);
  }

  /** How many services are tracked for {@code tenant}; for tests and metrics. */
  int tracked(String tenant) {
    Tenant t = tenants.get(tenant);
    return t == null ? 0 : t.size();
  }

  private static long nanos(Instant i) {
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  /** One tenant's services, least recently pushed first. Guarded by itself. */
  private static final class Tenant {
    private final LinkedHashMap<String, Service> services;

    Tenant(int max) {
      this.services = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Service> eldest) {
          return size() > max;
        }
      };
    }

    synchronized int record(String service, long bytes, long now, int rf, int distributors, double target) {
      // The least recently pushed come first: drop a couple that went idle, amortised O(1).
      Iterator<Service> eldest = services.values().iterator();
      for (int i = 0; i < 2 && eldest.hasNext(); i++) {
        if (now - eldest.next().lastNanos > IDLE_NANOS) {
          eldest.remove();
        } else {
          break;
        }
      }
      Service s = services.get(service);
      if (s == null) {
        s = new Service(now, rf);
        services.put(service, s);
      }
      return s.record(bytes, now, rf, distributors, target);
    }

    synchronized int size() {
      return services.size();
    }
  }

  /** One service's moving rate and current shard size. Guarded by its tenant. */
  private static final class Service {
    private double bytesPerSecond;
    private long lastNanos;
    private int size;

    Service(long now, int size) {
      this.lastNanos = now;
      this.size = size;
    }

    int record(long bytes, long now, int rf, int distributors, double target) {
      double elapsed = Math.max(0, now - lastNanos) / 1e9;
      bytesPerSecond = bytesPerSecond * Math.exp(-elapsed / TIME_CONSTANT_SECONDS) + bytes / TIME_CONSTANT_SECONDS;
      lastNanos = Math.max(lastNanos, now);
      double perIngester = bytesPerSecond * distributors * rf / target; // ingesters needed at the target
      int grow = clamp(Math.ceil(perIngester), rf);
      int shrink = clamp(Math.ceil(2 * perIngester), rf);
      if (grow > size) {
        size = grow;
      } else if (shrink < size) {
        size = shrink;
      }
      return Math.max(size, rf);
    }

    private static int clamp(double ingesters, int rf) {
      return (int) Math.max(rf, Math.min(MAX_SIZE, ingesters));
    }
  }
}
