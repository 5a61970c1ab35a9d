package io.flarestack.common.edge.metrics;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.io.MemoryBudget;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's request metrics, named and labelled as dskit's server metrics in Pyroscope:
 * {@code pyroscope_request_duration_seconds{method,route,status_code,ws}},
 * {@code pyroscope_request_message_bytes{method,route}},
 * {@code pyroscope_response_message_bytes{method,route}},
 * {@code pyroscope_inflight_requests{method,route}} and {@code pyroscope_tcp_connections{protocol}}.
 * Meters are created on first use and cached. Thread-safe.
 */
public final class RequestMetrics {
  /** The {@code method} label of calls on the gRPC port, as dskit records them. */
  public static final String GRPC_METHOD = "gRPC";

  private static final double MIB = 1024 * 1024;
  private static final Duration[] DURATION_BUCKETS = seconds(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 25, 50, 100);
  private static final double[] BODY_SIZE_BUCKETS = {MIB, 2.5 * MIB, 5 * MIB, 10 * MIB, 25 * MIB, 50 * MIB, 100 * MIB, 250 * MIB};

  private final MeterRegistry registry;
  private final ConcurrentMap<DurationKey, Timer> durations = new ConcurrentHashMap<>();
  private final ConcurrentMap<RouteKey, Sizes> sizes = new ConcurrentHashMap<>();
  private final ConcurrentMap<RouteKey, AtomicInteger> inflight = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, AtomicInteger> connections = new ConcurrentHashMap<>();

  public RequestMetrics(MeterRegistry registry) {
    this.registry = requireNonNull(registry, "registry is null");
  }

  private record DurationKey(String method, String route, String status) {}

  private record RouteKey(String method, String route) {}

  private record Sizes(DistributionSummary request, DistributionSummary response) {}

  /** Counts a request as started; pair with {@link #finished}. */
  public void started(String method, String route) {
    inflight(method, route).incrementAndGet();
  }

  /**
   * Records a finished request and counts it out of the in-flight gauge.
   *
   * @param status the HTTP status code, or the gRPC status name on the gRPC port
   */
  public void finished(String method, String route, String status, long nanos, long requestBytes, long responseBytes) {
    inflight(method, route).decrementAndGet();
    durations.computeIfAbsent(new DurationKey(method, route, status), k -> Timer.builder("pyroscope.request.duration")
            .description("Time (in seconds) spent serving HTTP requests.")
            .tag("method", k.method()).tag("route", k.route()).tag("status_code", k.status()).tag("ws", "false")
            .serviceLevelObjectives(DURATION_BUCKETS)
            .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
    Sizes s = sizes.computeIfAbsent(new RouteKey(method, route), k -> new Sizes(
        size("pyroscope.request.message", "Size (in bytes) of messages received in the request.", k),
        size("pyroscope.response.message", "Size (in bytes) of messages sent in response.", k)));
    s.request().record(requestBytes);
    s.response().record(responseBytes);
  }

  /** The open-connections gauge of a listener, {@code http} or {@code grpc}. */
  public AtomicInteger tcpConnections(String protocol) {
    return connections.computeIfAbsent(protocol, p -> {
      AtomicInteger value = new AtomicInteger();
      Gauge.builder("pyroscope.tcp.connections", value, AtomicInteger::get)
          .description("Current number of accepted TCP connections.")
          .tag("protocol", p)
          .register(registry);
      return value;
    });
  }

  /**
   * Gauges of the in-flight request memory budget: {@code pyroscope_server_inflight_request_bytes}
   * (held now) and {@code pyroscope_server_inflight_request_limit_bytes} (its capacity).
   */
  public void inflightRequestBytes(MemoryBudget budget) {
    Gauge.builder("pyroscope.server.inflight.request", budget, MemoryBudget::used)
        .description("Heap held by requests in flight for their bodies and decoded forms (-server.max-inflight-request-bytes).")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("pyroscope.server.inflight.request.limit", budget, MemoryBudget::capacity)
        .description("The most heap requests in flight may hold together (-server.max-inflight-request-bytes).")
        .baseUnit("bytes")
        .register(registry);
  }

  private AtomicInteger inflight(String method, String route) {
    return inflight.computeIfAbsent(new RouteKey(method, route), k -> {
      AtomicInteger value = new AtomicInteger();
      Gauge.builder("pyroscope.inflight.requests", value, AtomicInteger::get)
          .description("Current number of inflight requests.")
          .tag("method", k.method()).tag("route", k.route())
          .register(registry);
      return value;
    });
  }

  private DistributionSummary size(String name, String help, RouteKey k) {
    return DistributionSummary.builder(name)
        .description(help)
        .baseUnit("bytes")
        .tag("method", k.method()).tag("route", k.route())
        .serviceLevelObjectives(BODY_SIZE_BUCKETS)
        .register(registry);
  }

  private static Duration[] seconds(double... values) {
    Duration[] out = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
    }
    return out;
  }
}
