package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Multi-tenant mode as the web UI meets it: the UI's probe (LabelNames without a tenant) gets
 * 401, a legacy {@code /ingest} upload lands under the tenant of its {@code X-Scope-OrgID}, and
 * only that tenant's queries see it.
 */
class MultiTenantIngestIT {
  private Flarestack app;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    FlarestackConfig config = FlarestackConfig.load(List.of("-server.http-listen-port=0", "-server.grpc-listen-port=0",
        "-auth.multitenancy-enabled=true"), Map.of());
    app = new Flarestack(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC(), BuildInfo.load());
    app.start();
  }

  @AfterEach
  void stop() {
    if (app != null) {
      app.stop();
    }
  }

  @Test
  void ingestLandsUnderItsTenant() throws Exception {
    byte[] folded = Files.readAllBytes(TestProfiles.testData().resolve("folded/cortex-dev-01__kafka-0__cpu__0.cpu.folded"));
    HttpResponse<String> anonymous = send("/ingest?name=kafka.app.cpu&sampleRate=100", null, folded);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    HttpResponse<String> pushed = send("/ingest?name=kafka.app.cpu&sampleRate=100", "team-a", folded);
    assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(200);

    String series = "{\"labelNames\":[\"service_name\"]}";
    assertThat(send("/querier.v1.QuerierService/LabelNames", null, "{}".getBytes()).statusCode()).isEqualTo(401);
    assertThat(send("/querier.v1.QuerierService/Series", "team-a", series.getBytes()).body()).contains("\"kafka.app\"");
    assertThat(send("/querier.v1.QuerierService/Series", "team-b", series.getBytes()).body()).doesNotContain("kafka.app");
  }

  private HttpResponse<String> send(String path, String tenant, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path))
        .header("Content-Type", path.startsWith("/querier") ? "application/json" : "text/plain")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (tenant != null) {
      b.header("X-Scope-OrgID", tenant);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
