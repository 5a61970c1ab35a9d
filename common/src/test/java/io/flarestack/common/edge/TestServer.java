package io.flarestack.common.edge;

import io.flarestack.common.edge.http.HttpHandler;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;

/** A started {@link Server} on ephemeral loopback ports with the test services registered. */
final class TestServer implements AutoCloseable {
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final SettingsTestService settings = new SettingsTestService();
  final QuerierTestService querier = new QuerierTestService();
  final Server server;

  private TestServer(ServerConfig config) {
    server = new Server(config, registry, "test-" + UUID.randomUUID());
    server.addService(settings);
    server.addService(querier);
  }

  static ServerConfig config(boolean multitenancy, long maxRequestBytes) {
    return new ServerConfig("127.0.0.1", 0, "127.0.0.1", 0, 104857600, 104857600, Duration.ofSeconds(10),
        Duration.ofMinutes(2), multitenancy, maxRequestBytes, Duration.ofSeconds(30), Duration.ZERO, 0);
  }

  static TestServer start(ServerConfig config) throws Exception {
    TestServer t = new TestServer(config);
    t.server.start();
    return t;
  }

  static TestServer start(boolean multitenancy) throws Exception {
    return start(config(multitenancy, ServerConfig.DEFAULT_MAX_REQUEST_BYTES));
  }

  TestServer route(String method, String path, HttpHandler handler) {
    server.addRoute(method, path, handler);
    return this;
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.httpPort() + path);
  }

  @Override
  public void close() {
    server.stop();
  }
}
