package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.common.testing.SharedTestData;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The plain-text errors of {@code /v1development/profiles} that need a non-default server:
 * multitenancy on (401 without {@code X-Scope-OrgID}), a 64 KiB ingestion body limit (413 for a
 * gzip body that inflates past it) and a 1 KB ingestion burst (429); and the request-level
 * refusals, which come before the rate limit (415 for a missing Content-Type or an unknown
 * encoding, 400 for JSON that is not one value of valid UTF-8).
 */
class OtlpHttpErrorsIT {
  private static DialectServer server;

  @BeforeAll
  static void start() throws Exception {
    server = DialectServer.start("-auth.multitenancy-enabled=true", "-distributor.ingestion-body-limit-mb=64KiB",
        "-distributor.ingestion-rate-limit-mb=0.001", "-distributor.ingestion-burst-size-mb=0.001");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void missingTenantIs401() throws Exception {
    HttpResponse<byte[]> r = server.post("/v1development/profiles", agentBody(), "Content-Type", "application/x-protobuf",
        "Content-Encoding", "gzip");
    assertPlain(r, 401, "no org id");
  }

  @Test
  void bodyInflatingPastTheLimitIs413() throws Exception {
    byte[] fixture = SharedTestData.bytes("otlp/otel-ebpf-profile.pb.bin");
    assertThat(fixture.length).isGreaterThan(64 * 1024);
    byte[] gz = SharedTestData.gzip(fixture);
    assertThat(gz.length).isLessThan(64 * 1024);
    HttpResponse<byte[]> r = server.post("/v1development/profiles", gz, "Content-Type", "application/x-protobuf",
        "Content-Encoding", "gzip", "X-Scope-OrgID", "tenant-a");
    assertPlain(r, 413, "exceeds the limit of 65536 bytes");
  }

  @Test
  void overTheIngestionRateIs429() throws Exception {
    HttpResponse<byte[]> r = server.post("/v1development/profiles", agentBody(), "Content-Type", "application/x-protobuf",
        "Content-Encoding", "gzip", "X-Scope-OrgID", "tenant-b");
    assertPlain(r, 429, "rate limit");
  }

  @Test
  void missingContentTypeIs415NotAServerError() throws Exception {
    // D4: this was a NullPointerException answered with 500
    HttpResponse<byte[]> r = server.post("/v1development/profiles", agentBody(), "Content-Encoding", "gzip",
        "X-Scope-OrgID", "tenant-c");
    assertPlain(r, 415, "Unsupported Content-Type: (none); use application/x-protobuf, application/protobuf or"
        + " application/json");
  }

  @Test
  void anEncodingOtherThanGzipIs415() throws Exception {
    HttpResponse<byte[]> r = server.post("/v1development/profiles", agentBody(), "Content-Type", "application/x-protobuf",
        "Content-Encoding", "br", "X-Scope-OrgID", "tenant-c");
    assertPlain(r, 415, "Unsupported Content-Encoding: br; use gzip or none");
  }

  @Test
  void jsonThatIsNotOneValueOfValidUtf8Is400() throws Exception {
    HttpResponse<byte[]> trailing = server.post("/v1development/profiles", "{} {}".getBytes(StandardCharsets.UTF_8),
        "Content-Type", "application/json", "X-Scope-OrgID", "tenant-c");
    assertPlain(trailing, 400, "the JSON body has data after its value at offset 3");
    byte[] badUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xff, '"', '}'};
    HttpResponse<byte[]> invalid = server.post("/v1development/profiles", badUtf8, "Content-Type", "application/json",
        "X-Scope-OrgID", "tenant-c");
    assertPlain(invalid, 400, "the JSON body is not valid UTF-8: byte 0xff at offset 6");
  }

  private static byte[] agentBody() {
    return SharedTestData.bytes("captured/java-agent-2.9.2/otlp-itimer.body");
  }

  private static void assertPlain(HttpResponse<byte[]> r, int status, String text) {
    assertThat(r.statusCode()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain"));
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains(text);
  }
}
