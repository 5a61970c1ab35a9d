package io.flarestack.querier.http;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.querier.v1.QuerierServiceGrpc.QuerierServiceBlockingStub;
import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.Matcher;
import io.flarestack.common.model.ProfileType;
import io.flarestack.common.model.Selector;
import io.flarestack.common.model.time.AtTime;
import io.flarestack.common.tenant.Tenant;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * What the legacy query endpoints share: they are thin HTTP clients of the same
 * {@code QuerierService} the Connect and gRPC bindings serve (through the in-process channel),
 * so validation and limits are identical. Thread-safe.
 */
final class LegacyQueries {
  private final QuerierServiceBlockingStub querier;
  private final boolean multitenancyEnabled;
  private final Clock clock;

  LegacyQueries(QuerierServiceBlockingStub querier, boolean multitenancyEnabled, Clock clock) {
    this.querier = requireNonNull(querier, "querier is null");
    this.multitenancyEnabled = multitenancyEnabled;
    this.clock = requireNonNull(clock, "clock is null");
  }

  QuerierServiceBlockingStub querier() {
    return querier;
  }

  /**
   * Runs {@code call} as the request's tenant (so the in-process call carries X-Scope-OrgID).
   * A failed querier call surfaces as the {@link FlarestackException} it was on the Connect API
   * (same code, so the same HTTP status, and the same message), never as a bare gRPC exception.
   */
  <T> T asTenant(HttpRequest request, Callable<T> call) throws Exception {
    String tenant = Tenant.resolve(multitenancyEnabled, request.headerValues(Tenant.HEADER));
    try {
      return Context.current().withValue(Tenant.CONTEXT_KEY, tenant).call(call);
    } catch (StatusRuntimeException e) {
      throw FlarestackException.from(e);
    }
  }

  /** The current time in ms; read once per request so that its relative times agree. */
  long now() {
    return clock.millis();
  }

  /** A time parameter in Pyroscope's attime syntax, in ms relative to {@code nowMs}; {@code fallback} when absent. */
  static long time(HttpRequest request, String name, String fallback, long nowMs) {
    String v = request.param(name);
    return AtTime.parseMillis(v == null || v.isBlank() ? fallback : v, nowMs);
  }

  /**
   * {@code maxNodes} wins over {@code max-nodes}; null when neither is set. Any integer is passed
   * on as the request's {@code max_nodes}, so the querier validates it as it does for the Connect
   * API (0 is the default; negative or above the limit is refused).
   */
  static Long maxNodes(HttpRequest request) {
    String v = request.param("maxNodes");
    if (v == null) {
      v = request.param("max-nodes");
    }
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw FlarestackException.invalidArgument("max-nodes must be an integer, got %s", v);
    }
  }

  /**
   * A legacy query {@code <profile type>{matchers}}: the metric-name position holds the profile
   * type id.
   */
  record Query(ProfileType type, String labelSelector) {
    static Query parse(String name, String text) {
      if (text == null || text.isBlank()) {
        throw FlarestackException.invalidArgument("%s is required", name);
      }
      Selector s = Selector.parseWithMetricName(text);
      if (s.metricName() == null) {
        throw FlarestackException.invalidArgument("%s %s has no profile type before its braces", name, text);
      }
      List<Matcher> matchers = s.matchers();
      return new Query(ProfileType.parse(s.metricName()), new Selector(null, matchers).toString());
    }
  }
}
