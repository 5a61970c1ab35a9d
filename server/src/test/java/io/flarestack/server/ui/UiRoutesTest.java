package io.flarestack.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.testing.SharedTestData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UiRoutesTest {
  private final UiRoutes routes = new UiRoutes(new UiAssets(getClass().getClassLoader(), "ui-test/", "/"));

  private HttpResponse get(String path, String... headers) throws Exception {
    Map<String, List<String>> h = headers.length == 0 ? Map.of() : Map.of(headers[0], List.of(headers[1]));
    return routes.get(new HttpRequest("GET", path, Map.of(), h, new byte[0]));
  }

  private static String text(HttpResponse r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = UiRoutesTest.class.getClassLoader().getResourceAsStream("ui-test/" + name)) {
      return in.readAllBytes();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/comparison-diff", "/explore/deeper/view", "/index.html"})
  void pagesGetIndexWithTheBaseFilledInAndNoCaching(String path) throws Exception {
    HttpResponse r = get(path);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).isEqualTo("text/html; charset=utf-8");
    assertThat(r.headers()).containsEntry("Cache-Control", "no-cache");
    assertThat(text(r)).contains("<base href=\"/\" />").doesNotContain("__FLARESTACK_BASE__");
  }

  @Test
  void hashedAssetsAreImmutableAndGzippedWhenAccepted() throws Exception {
    byte[] file = resource("assets/app-abc123.js");
    HttpResponse plain = get("/assets/app-abc123.js");
    assertThat(plain.status()).isEqualTo(200);
    assertThat(plain.contentType()).isEqualTo("text/javascript; charset=utf-8");
    assertThat(plain.headers()).containsEntry("Cache-Control", "public, max-age=31536000, immutable")
        .containsEntry("X-Content-Type-Options", "nosniff").containsEntry("Vary", "Accept-Encoding")
        .doesNotContainKey("Content-Encoding");
    assertThat(plain.body()).isEqualTo(file);

    HttpResponse gz = get("/assets/app-abc123.js", "accept-encoding", "br, gzip;q=0.8");
    assertThat(gz.headers()).containsEntry("Content-Encoding", "gzip");
    assertThat(gz.body().length).isLessThan(file.length);
    assertThat(SharedTestData.gunzip(gz.body())).isEqualTo(file);
  }

  @Test
  void otherFilesAreCachedBriefly() throws Exception {
    HttpResponse r = get("/favicon.svg");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).isEqualTo("image/svg+xml");
    assertThat(r.headers()).containsEntry("Cache-Control", "public, max-age=3600");
    assertThat(r.body()).isEqualTo(resource("favicon.svg"));
  }

  @Test
  void missingFilesAre404NotTheIndex() throws Exception {
    assertThat(get("/assets/gone-123.js").status()).isEqualTo(404);
    assertThat(get("/robots.txt").status()).isEqualTo(404);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/querier.v1.QuerierService/Nope", "/nope.v1.Service/Get", "/grpc.health.v1.Health/Check",
      "/pyroscope/nope", "/api/v1/nope", "/ingest/x", "/metrics/x"})
  void unknownApiPathsKeepTheirJson404(String path) throws Exception {
    HttpResponse r = get(path);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.contentType()).isEqualTo("application/json");
    assertThat(text(r)).isEqualTo("{\"code\":\"not_found\",\"message\":\"no route for GET " + path + "\"}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"../ui-test/index.html", "assets/../favicon.svg", "assets//app-abc123.js", "/favicon.svg", "assets/", "a\\b", ""})
  void onlyPlainRelativePathsReachFiles(String path) {
    assertThat(new UiAssets(getClass().getClassLoader(), "ui-test/", "/").file(path)).isNull();
  }

  @Test
  void theBaseIsNormalised() {
    UiAssets a = new UiAssets(getClass().getClassLoader(), "ui-test/", "flarestack");
    assertThat(new String(a.index().body(), StandardCharsets.UTF_8)).contains("<base href=\"/flarestack/\" />");
  }

  @Test
  void uiRedirectsToTheRoot() throws Exception {
    HttpResponse r = get("/ui");
    assertThat(r.status()).isEqualTo(302);
    assertThat(r.headers()).containsEntry("Location", "../");
  }

  @Test
  void aBuildWithoutTheUiSaysSo() throws Exception {
    UiRoutes none = new UiRoutes(new UiAssets(getClass().getClassLoader(), "no-such-ui/", "/"));
    HttpResponse r = none.get(new HttpRequest("GET", "/", Map.of(), Map.of(), new byte[0]));
    assertThat(r.status()).isEqualTo(404);
    assertThat(text(r)).contains("not part of this build", "-Dui.skip");
  }
}
