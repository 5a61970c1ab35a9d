package io.flarestack.common.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.settings.v1.GetSettingsRequest;
import io.flarestack.api.settings.v1.SetSettingsRequest;
import io.flarestack.api.settings.v1.Setting;
import io.flarestack.api.settings.v1.SettingsServiceGrpc;
import io.flarestack.common.edge.http.HttpResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The request metrics as Prometheus scrapes them: names, HELP, route labels, status codes, buckets. */
@Timeout(120)
class MetricsIT {
  private static TestServer t;
  private static final Http http = new Http();
  private static Scrape scrape;
  private static int setBytes;

  @BeforeAll
  static void exercise() throws Exception {
    t = TestServer.start(false).route("GET", "/", r -> HttpResponse.text(200, "home"))
        .route("GET", "/pyroscope/label-values", r -> HttpResponse.text(200, "[]"));
    byte[] set = SetSettingsRequest.newBuilder().setSetting(Setting.newBuilder().setName("m").setValue("v")).build().toByteArray();
    setBytes = set.length;
    assertThat(http.post(t.uri("/settings.v1.SettingsService/Set"), "application/proto", set).statusCode()).isEqualTo(200);
    assertThat(http.post(t.uri("/settings.v1.SettingsService/Set"), "application/proto", new byte[0]).statusCode()).isEqualTo(400);
    assertThat(http.get(t.uri("/no/such/path")).statusCode()).isEqualTo(404);
    assertThat(http.get(t.uri("/")).statusCode()).isEqualTo(200);
    assertThat(http.get(t.uri("/pyroscope/label-values?label=__name__")).statusCode()).isEqualTo(200);
    ManagedChannel channel = Grpc.channel(t.server.grpcPort());
    try {
      var stub = Grpc.withTenant(SettingsServiceGrpc.newBlockingStub(channel), "x");
      stub.get(GetSettingsRequest.getDefaultInstance());
      try {
        stub.set(SetSettingsRequest.getDefaultInstance());
      } catch (StatusRuntimeException expected) {
        // recorded as InvalidArgument
      }
      scrape = new Scrape(t.registry.scrape());
    } finally {
      Grpc.close(channel);
    }
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  @Test
  void httpRequestsAreLabelledByRouteAndStatus() {
    assertThat(count("POST", "settings_v1_settingsservice_set", "200")).isEqualTo(1);
    assertThat(count("POST", "settings_v1_settingsservice_set", "400")).isEqualTo(1);
    assertThat(count("GET", "notfound", "404")).isEqualTo(1);
    assertThat(count("GET", "root", "200")).isEqualTo(1);
    assertThat(count("GET", "pyroscope_label_values", "200")).isEqualTo(1);
  }

  @Test
  void grpcCallsAreLabelledWithTheGrpcStatusName() {
    assertThat(count("gRPC", "settings_v1_settingsservice_get", "OK")).isEqualTo(1);
    assertThat(count("gRPC", "settings_v1_settingsservice_set", "InvalidArgument")).isEqualTo(1);
  }

  @Test
  void durationsUseDskitBuckets() {
    // Which bucket the one request lands in depends on the machine's load, so check the
    // boundaries exist and the cumulative counts never decrease and end at 1.
    double previous = 0;
    for (String le : new String[] {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0",
        "25.0", "50.0", "100.0", "+Inf"}) {
      var v = scrape.value("pyroscope_request_duration_seconds_bucket", "method", "GET", "route", "root",
          "status_code", "200", "ws", "false", "le", le);
      assertThat(v).as("le=" + le).isPresent();
      assertThat(v.getAsDouble()).as("le=" + le).isGreaterThanOrEqualTo(previous);
      previous = v.getAsDouble();
    }
    assertThat(previous).as("le=+Inf").isEqualTo(1.0);
    assertThat(scrape.contains("# HELP pyroscope_request_duration_seconds Time (in seconds) spent serving HTTP requests.")).isTrue();
    assertThat(scrape.contains("# TYPE pyroscope_request_duration_seconds histogram")).isTrue();
  }

  @Test
  void messageSizesInflightAndConnectionsAreExported() {
    assertThat(scrape.value("pyroscope_request_message_bytes_sum", "method", "POST", "route", "settings_v1_settingsservice_set"))
        .hasValue((double) setBytes); // the 400 request had an empty body
    assertThat(scrape.value("pyroscope_request_message_bytes_bucket", "method", "POST", "route", "settings_v1_settingsservice_set",
        "le", "1048576.0")).hasValue(2.0);
    assertThat(scrape.value("pyroscope_response_message_bytes_sum", "method", "GET", "route", "root")).hasValue(4.0);
    assertThat(scrape.value("pyroscope_inflight_requests", "method", "POST", "route", "settings_v1_settingsservice_set"))
        .hasValue(0.0);
    assertThat(scrape.value("pyroscope_tcp_connections", "protocol", "grpc")).hasValue(1.0); // the channel was open
    assertThat(scrape.value("pyroscope_tcp_connections", "protocol", "http").orElseThrow()).isPositive();
    assertThat(scrape.contains("# HELP pyroscope_request_message_bytes Size (in bytes) of messages received in the request.")).isTrue();
    assertThat(scrape.contains("# HELP pyroscope_response_message_bytes Size (in bytes) of messages sent in response.")).isTrue();
    assertThat(scrape.contains("# HELP pyroscope_inflight_requests Current number of inflight requests.")).isTrue();
    assertThat(scrape.contains("# HELP pyroscope_tcp_connections Current number of accepted TCP connections.")).isTrue();
  }

  private static double count(String method, String route, String status) {
    return scrape.value("pyroscope_request_duration_seconds_count", "method", method, "route", route, "status_code", status,
        "ws", "false").orElseThrow(() -> new AssertionError("no series " + method + " " + route + " " + status + " in\n" + scrape));
  }
}
