package io.flarestack.common.edge.http;

import static org.assertj.core.api.Assertions.assertThat;
import io.flarestack.common.testing.SharedTestData;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponseCompressionTest {
  private static final byte[] BIG = new byte[ResponseCompression.MIN_BYTES + 1];

  private static HttpRequest request(String... acceptEncoding) {
    return new HttpRequest("GET", "/", Map.of(), acceptEncoding.length == 0 ? Map.of()
        : Map.of("accept-encoding", List.of(acceptEncoding)), new byte[0]);
  }

  @Test
  void gzipsLargeBodiesForClientsThatAcceptIt() {
    Reply out = ResponseCompression.apply(request("deflate, gzip;q=0.5"), Reply.of(HttpResponse.ok("text/plain", BIG)));
    assertThat(out.response().headers()).containsEntry("Content-Encoding", "gzip");
    assertThat(SharedTestData.gunzip(out.response().body())).isEqualTo(BIG);
    assertThat(ResponseCompression.apply(request("*"), Reply.of(HttpResponse.ok("text/plain", BIG))).response().headers())
        .containsKey("Content-Encoding");
  }

  @Test
  void leavesEverythingElseAlone() {
    Reply big = Reply.of(HttpResponse.ok("text/plain", BIG));
    assertThat(ResponseCompression.apply(request(), big)).isSameAs(big);
    assertThat(ResponseCompression.apply(request("gzip;q=0"), big)).isSameAs(big);
    assertThat(ResponseCompression.apply(request("br"), big)).isSameAs(big);
    Reply small = Reply.of(HttpResponse.ok("text/plain", new byte[ResponseCompression.MIN_BYTES]));
    assertThat(ResponseCompression.apply(request("gzip"), small)).isSameAs(small);
    Reply encoded = Reply.of(new HttpResponse(200, "text/plain", Map.of("content-encoding", "br"), BIG));
    assertThat(ResponseCompression.apply(request("gzip"), encoded)).isSameAs(encoded);
    Reply grpc = new Reply(HttpResponse.ok("application/grpc", BIG), Map.of("grpc-status", "0"));
    assertThat(ResponseCompression.apply(request("gzip"), grpc)).isSameAs(grpc);
  }
}
