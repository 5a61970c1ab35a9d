package io.flarestack.common.edge.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {
  private static RouteHandler answering(String text) {
    return RouteHandler.of(r -> HttpResponse.text(200, text));
  }

  private static Reply call(Router.Match m) throws Exception {
    return m.handler().handle(new HttpRequest("GET", "/", Map.of(), Map.of(), new byte[0]), null).join();
  }

  private static String body(Reply r) {
    return new String(r.response().body(), StandardCharsets.UTF_8);
  }

  @Test
  void exactThenRpcThenLongestPrefix() throws Exception {
    Router router = new Router(path -> path.equals("/svc.v1.S/M") ? answering("rpc") : null);
    router.add("GET", "/a/b", answering("exact"));
    router.addPrefix("GET", "/a/", answering("a"));
    router.addPrefix("get", "/a/b/", answering("ab"));
    assertThat(body(call(router.match("GET", "/a/b")))).isEqualTo("exact");
    assertThat(body(call(router.match("GET", "/a/b/c")))).isEqualTo("ab");
    assertThat(router.match("GET", "/a/b/c").template()).isEqualTo("/a/b/");
    assertThat(body(call(router.match("GET", "/a/x")))).isEqualTo("a");
    assertThat(body(call(router.match("POST", "/svc.v1.S/M")))).isEqualTo("rpc");
  }

  @Test
  void unknownPathsAre404AndOtherMethods405() throws Exception {
    Router router = new Router(path -> null);
    router.add("GET", "/x", answering("x"));
    router.add("PUT", "/x", answering("x"));
    Router.Match missing = router.match("GET", "/y");
    assertThat(missing.template()).isNull();
    assertThat(call(missing).status()).isEqualTo(404);
    assertThat(body(call(missing))).isEqualTo("{\"code\":\"not_found\",\"message\":\"no route for GET /y\"}");
    Router.Match wrong = router.match("POST", "/x");
    assertThat(wrong.template()).isEqualTo("/x");
    assertThat(call(wrong).status()).isEqualTo(405);
    assertThat(call(wrong).response().headers()).containsEntry("Allow", "GET, PUT");
  }

  @Test
  void refusesDuplicatesAndRelativePaths() {
    Router router = new Router(path -> null);
    router.add("GET", "/x", answering("x"));
    assertThatThrownBy(() -> router.add("get", "/x", answering("y"))).hasMessageContaining("GET /x is already registered");
    router.addPrefix("GET", "/p/", answering("p"));
    assertThatThrownBy(() -> router.addPrefix("GET", "/p/", answering("q"))).hasMessageContaining("GET /p/*");
    assertThatThrownBy(() -> router.add("GET", "x", answering("x"))).hasMessageContaining("must start with /");
  }
}
