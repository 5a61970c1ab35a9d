package io.flarestack.server;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.config.ConfigYaml;
import io.flarestack.common.edge.Server;
import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.lifecycle.ServiceManager;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The operations endpoints on the HTTP port: readiness, Prometheus metrics, the effective
 * configuration and build information.
 */
final class OpsRoutes {
  private static final String YAML = "text/plain; charset=utf-8";
  private static final String OPENMETRICS = "application/openmetrics-text";

  private final FlarestackConfig config;
  private final PrometheusMeterRegistry registry;
  private final BuildInfo buildInfo;
  private final ServiceManager manager;

  OpsRoutes(FlarestackConfig config, PrometheusMeterRegistry registry, BuildInfo buildInfo, ServiceManager manager) {
    this.config = requireNonNull(config, "config is null");
    this.registry = requireNonNull(registry, "registry is null");
    this.buildInfo = requireNonNull(buildInfo, "buildInfo is null");
    this.manager = requireNonNull(manager, "manager is null");
  }

  void register(Server server) {
    server.addRoute("GET", "/ready", this::ready);
    server.addRoute("GET", "/metrics", this::metrics);
    String effective = ConfigYaml.render(FlarestackConfig.options(), config.values());
    server.addRoute("GET", "/config", r -> HttpResponse.ok(YAML, effective.getBytes(StandardCharsets.UTF_8)));
    server.addRoute("GET", "/api/v1/status/config", r -> HttpResponse.ok(YAML, effective.getBytes(StandardCharsets.UTF_8)));
    String defaults = ConfigYaml.renderDefaults(FlarestackConfig.options());
    server.addRoute("GET", "/api/v1/status/config/default", r -> HttpResponse.ok(YAML, defaults.getBytes(StandardCharsets.UTF_8)));
    server.addRoute("GET", "/api/v1/status/buildinfo", r -> HttpResponse.json(200, buildInfo.toJson()));
  }

  /** 200 "ready" once every service runs and is healthy; otherwise 503 listing why not. */
  private HttpResponse ready(HttpRequest request) {
    List<String> reasons = manager.notReadyReasons();
    if (reasons.isEmpty()) {
      return HttpResponse.text(200, "ready\n");
    }
    return HttpResponse.text(503, "Some services are not Running:\n" + String.join("\n", reasons) + "\n");
  }

  private HttpResponse metrics(HttpRequest request) {
    String accept = request.header("accept");
    if (accept != null && accept.contains(OPENMETRICS)) {
      String body = registry.scrape("application/openmetrics-text; version=1.0.0; charset=utf-8");
      return HttpResponse.ok("application/openmetrics-text; version=1.0.0; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }
    return HttpResponse.ok("text/plain; version=0.0.4; charset=utf-8", registry.scrape().getBytes(StandardCharsets.UTF_8));
  }
}
