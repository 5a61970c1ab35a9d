package io.flarestack.common.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.settings.v1.GetSettingsResponse;
import io.flarestack.common.edge.http.HttpResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The request body limit (1 MiB here): 413 with a JSON error naming the limit, and no hung clients. */
@Timeout(120)
class BodyLimitIT {
  private static final int LIMIT = 1 << 20;
  private static TestServer t;
  private static final Http http = new Http();

  @BeforeAll
  static void start() throws Exception {
    t = TestServer.start(TestServer.config(false, LIMIT))
        .route("POST", "/size", r -> HttpResponse.text(200, Integer.toString(r.body().length)));
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  @Test
  void aBodyAtTheLimitIsAccepted() throws Exception {
    var r = http.post(t.uri("/size"), "application/octet-stream", new byte[LIMIT]);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Http.text(r)).isEqualTo(Integer.toString(LIMIT));
  }

  @Test
  void aDeclaredLengthOverTheLimitGets413() throws Exception {
    var r = http.post(t.uri("/size"), "application/octet-stream", new byte[2 * LIMIT]);
    ConnectIT.assertError(r, 413, "resource_exhausted", "request body of 2097152 bytes is larger than the limit of 1048576 bytes");
    // The server still serves new requests.
    assertThat(http.post(t.uri("/size"), "application/octet-stream", new byte[10]).statusCode()).isEqualTo(200);
  }

  @Test
  void aChunkedBodyOverTheLimitGets413() throws Exception {
    byte[] body = new byte[3 * LIMIT];
    var r = http.send(HttpRequest.newBuilder(t.uri("/size")).timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
    ConnectIT.assertError(r, 413, "resource_exhausted", "larger than the limit of 1048576 bytes");
  }

  @Test
  void expectContinueOverTheLimitGets413WithoutTheBody() throws Exception {
    // Raw socket: the JDK 17 client hangs when a 100-continue request gets a final status (JDK-8286171).
    try (RawHttp1 c = new RawHttp1(t.server.httpPort())) {
      c.write("POST /size HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2097152\r\n\r\n");
      RawHttp1.Response r = c.read();
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.text()).contains("\"code\":\"resource_exhausted\"").contains("2097152").contains("1048576");
      assertThat(c.closedByServer()).isTrue();
    }
    try (RawHttp1 c = new RawHttp1(t.server.httpPort())) {
      c.write("POST /size HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
      RawHttp1.Response interim = c.read();
      assertThat(interim.status()).isEqualTo(100);
      c.write("abcd");
      RawHttp1.Response r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("4");
    }
  }

  @Test
  void rawClientReadsThe413AndThenSeesTheConnectionClose() throws Exception {
    try (RawHttp1 c = new RawHttp1(t.server.httpPort())) {
      c.write("POST /size HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n" + "x".repeat(2000));
      RawHttp1.Response r = c.read();
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.headers().get("connection")).isEqualTo("close");
      assertThat(r.text()).contains("5000000").contains("1048576");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void aGzipBombIsRefusedWith413() throws Exception {
    byte[] bomb = gzipZeros(64 << 20); // 64 MiB of zeros in about 64 KiB
    assertThat(bomb.length).isLessThan(LIMIT);
    var r = http.post(t.uri("/settings.v1.SettingsService/Get"), "application/proto", bomb, "Content-Encoding", "gzip");
    ConnectIT.assertError(r, 413, "resource_exhausted", "larger than the limit of 1048576 bytes once gzip-decompressed");
    // A compressed body within the limit still works.
    var ok = http.post(t.uri("/settings.v1.SettingsService/Get"), "application/proto", gzipZeros(0), "Content-Encoding", "gzip");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(GetSettingsResponse.parseFrom(ok.body()).getSettingsCount()).isZero();
  }

  @Test
  void aBodyOverTheLimitOverH2cGets413AndTheClientFinishesCleanly(@TempDir Path dir) throws Exception {
    Path big = dir.resolve("big.bin");
    Files.write(big, new byte[3 * LIMIT]);
    Curl.Result r = Curl.run(dir, List.of("--http2-prior-knowledge", "-H", "Content-Type: application/octet-stream",
        "--data-binary", "@" + big, t.uri("/size").toString()));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.httpVersion()).isEqualTo("2");
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.text()).contains("\"code\":\"resource_exhausted\"").contains("1048576");
  }

  @Test
  void refusedBodiesAreCountedInTheRequestMetrics() throws Exception {
    http.post(t.uri("/size"), "application/octet-stream", new byte[LIMIT + 1]);
    Scrape scrape = new Scrape(t.registry.scrape());
    assertThat(scrape.value("pyroscope_request_duration_seconds_count", "method", "POST", "route", "size",
        "status_code", "413", "ws", "false").orElseThrow()).isGreaterThanOrEqualTo(1);
  }

  private static byte[] gzipZeros(int n) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk = new byte[1 << 20];
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      for (int left = n; left > 0; left -= chunk.length) {
        gz.write(chunk, 0, Math.min(left, chunk.length));
      }
    }
    return out.toByteArray();
  }
}
