package io.flarestack.common.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.testing.SharedTestData;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Plain HTTP routes and the HTTP/1.1 transport: keep-alive, chunked bodies, 100-continue, compression, errors. */
@Timeout(120)
class HttpRoutesIT {
  private static final String BIG = "0123456789abcdef".repeat(8 * 1024); // 128 KiB, compressible
  private static TestServer t;
  private static final Http http = new Http();

  @BeforeAll
  static void start() throws Exception {
    t = TestServer.start(false)
        .route("GET", "/big", r -> HttpResponse.text(200, BIG))
        .route("GET", "/echo", r -> HttpResponse.json(200, "{\"q\":" + quote(String.join("|", r.params("q")))
            + ",\"path\":" + quote(r.path()) + ",\"x\":" + quote(r.header("X-Test"))
            + ",\"lower\":" + r.headers().keySet().stream().allMatch(k -> k.equals(k.toLowerCase(java.util.Locale.ROOT))) + "}"))
        .route("POST", "/digest", r -> HttpResponse.json(200, "{\"length\":" + r.body().length + ",\"sha256\":\""
            + sha256(r.body()) + "\",\"te\":" + quote(String.valueOf(r.header("transfer-encoding"))) + "}"))
        .route("GET", "/bad", r -> {
          throw FlarestackException.invalidArgument("parameter %s is bad", "x");
        })
        .route("GET", "/boom", r -> {
          throw new IllegalStateException("kaboom");
        });
    t.server.addPrefixRoute("GET", "/ui/", r -> HttpResponse.text(200, "ui"));
    t.server.addPrefixRoute("GET", "/ui/assets/", r -> HttpResponse.text(200, "assets"));
    t.server.addRoute("GET", "/ui/assets/special", r -> HttpResponse.text(200, "special"));
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  @Test
  void largePlainResponseIsGzippedOnlyWhenAccepted() throws Exception {
    var gz = http.get(t.uri("/big"), "Accept-Encoding", "gzip");
    assertThat(gz.statusCode()).isEqualTo(200);
    assertThat(gz.headers().firstValue("content-encoding")).hasValue("gzip");
    assertThat(gz.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
    assertThat(gz.body().length).isLessThan(BIG.length() / 10);
    assertThat(new String(SharedTestData.gunzip(gz.body()), StandardCharsets.UTF_8)).isEqualTo(BIG);

    var plain = http.get(t.uri("/big"));
    assertThat(plain.headers().firstValue("content-encoding")).isEmpty();
    assertThat(plain.headers().firstValueAsLong("content-length")).hasValue(BIG.length());
    assertThat(Http.text(plain)).isEqualTo(BIG);
  }

  @Test
  void queryPathAndHeadersAreDecoded() throws Exception {
    var r = http.get(t.uri("/echo?q=a%20b&q=c%26d"), "X-Test", "hello");
    assertThat(Http.text(r)).isEqualTo("{\"q\":\"a b|c&d\",\"path\":\"/echo\",\"x\":\"hello\",\"lower\":true}");
  }

  @Test
  void unknownPathsAre404AndWrongMethods405() throws Exception {
    ConnectIT.assertError(http.get(t.uri("/nowhere")), 404, "not_found", "/nowhere");
    var post = http.post(t.uri("/big"), "text/plain", new byte[0]);
    ConnectIT.assertError(post, 405, "unimplemented", "POST");
    assertThat(post.headers().firstValue("allow")).hasValue("GET");
  }

  @Test
  void longestPrefixWinsAndExactRoutesComeFirst() throws Exception {
    assertThat(Http.text(http.get(t.uri("/ui/index.html")))).isEqualTo("ui");
    assertThat(Http.text(http.get(t.uri("/ui/assets/app.js")))).isEqualTo("assets");
    assertThat(Http.text(http.get(t.uri("/ui/assets/special")))).isEqualTo("special");
    ConnectIT.assertError(http.post(t.uri("/ui/assets/app.js"), "text/plain", new byte[0]), 405, "unimplemented", "POST");
  }

  @Test
  void handlerExceptionsBecomeJsonErrors() throws Exception {
    ConnectIT.assertError(http.get(t.uri("/bad")), 400, "invalid_argument", "parameter x is bad");
    var boom = http.get(t.uri("/boom"));
    ConnectIT.assertError(boom, 500, "internal", "internal error (IllegalStateException); the details are in the server's log");
    assertThat(new String(boom.body(), java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("kaboom");
  }

  @Test
  void chunkedRequestBodyIsAggregated() throws Exception {
    byte[] body = new byte[3 * 1024 * 1024 + 17];
    new Random(42).nextBytes(body);
    HttpRequest.Builder b = HttpRequest.newBuilder(t.uri("/digest"))
        .timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))); // unknown length: chunked
    var r = http.send(b);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Http.text(r)).isEqualTo("{\"length\":" + body.length + ",\"sha256\":\"" + sha256(body) + "\",\"te\":\"chunked\"}");
  }

  @Test
  void expectContinueIsAnswered() throws Exception {
    byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
    var r = http.send(HttpRequest.newBuilder(t.uri("/digest")).expectContinue(true)
        .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Http.text(r)).contains("\"length\":5,\"sha256\":\"" + sha256(body) + "\"");
  }

  @Test
  void keepAliveServesTwoRequestsOnOneConnectionAndHttp10Closes() throws Exception {
    try (RawHttp1 c = new RawHttp1(t.server.httpPort())) {
      c.write("GET /echo?q=1 HTTP/1.1\r\nHost: x\r\n\r\n");
      RawHttp1.Response first = c.read();
      c.write("POST /digest HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
      RawHttp1.Response second = c.read();
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.text()).startsWith("{\"q\":\"1\"");
      assertThat(second.status()).isEqualTo(200);
      assertThat(second.text()).contains("\"length\":3,\"sha256\":\"" + sha256("abc".getBytes(StandardCharsets.UTF_8)));
      // A pipelined pair is answered in order.
      c.write("GET /echo?q=p1 HTTP/1.1\r\nHost: x\r\n\r\nGET /echo?q=p2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(c.read().text()).startsWith("{\"q\":\"p1\"");
      RawHttp1.Response last = c.read();
      assertThat(last.text()).startsWith("{\"q\":\"p2\"");
      assertThat(last.headers().get("connection")).isEqualTo("close");
      assertThat(c.closedByServer()).isTrue();
    }
    try (RawHttp1 c = new RawHttp1(t.server.httpPort())) {
      c.write("GET /echo?q=old HTTP/1.0\r\n\r\n");
      assertThat(c.read().text()).startsWith("{\"q\":\"old\"");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void malformedRequestsGet400AndTheConnectionCloses() throws Exception {
    try (RawHttp1 c = new RawHttp1(t.server.httpPort())) {
      c.write("GET /echo?q=%zz HTTP/1.1\r\nHost: x\r\n\r\n");
      RawHttp1.Response r = c.read();
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.text()).contains("\"code\":\"invalid_argument\"").contains("%zz");
      assertThat(c.closedByServer()).isTrue();
    }
    try (RawHttp1 c = new RawHttp1(t.server.httpPort())) {
      c.write("POST /digest HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n");
      RawHttp1.Response r = c.read();
      assertThat(r.status()).isEqualTo(400);
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void clientsOfferingH2cUpgradeAreServedOverHttp11() throws Exception {
    HttpClient upgrading = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build(); // sends Upgrade: h2c
    var r = upgrading.send(HttpRequest.newBuilder(t.uri("/echo?q=up")).timeout(Duration.ofSeconds(20)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(r.body()).startsWith("{\"q\":\"up\"");
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static String quote(String s) {
    return s == null ? "null" : io.flarestack.common.edge.http.JsonStrings.quote(s);
  }
}
