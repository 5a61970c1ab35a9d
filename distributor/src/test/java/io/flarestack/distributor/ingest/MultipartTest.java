package io.flarestack.distributor.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.testing.SharedTestData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultipartTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void readsFilePartsAndValues() {
    byte[] body = b("preamble\r\n--xyz\r\n"
        + "Content-Disposition: form-data; name=\"profile\"; filename=\"profile.pprof\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n"
        + "\u0001\u0002\r\n\u0003\r\n"
        + "--xyz\r\n"
        + "content-disposition: form-data; name=plain\r\n\r\n"
        + "value\r\n"
        + "--xyz--\r\n");

    List<Multipart.Part> parts = Multipart.parse(body, "multipart/form-data; boundary=xyz");

    assertThat(parts).hasSize(2);
    assertThat(parts.get(0).name()).isEqualTo("profile");
    assertThat(parts.get(0).filename()).isEqualTo("profile.pprof");
    assertThat(parts.get(0).data()).containsExactly(1, 2, '\r', '\n', 3);
    assertThat(parts.get(1).filename()).isNull();
    assertThat(new String(parts.get(1).data(), StandardCharsets.UTF_8)).isEqualTo("value");
    assertThat(Multipart.file(parts, "profile")).isSameAs(parts.get(0));
    assertThat(Multipart.file(parts, "plain")).as("plain values are not files").isNull();
  }

  @Test
  void quotedBoundaryAndBareLineFeeds() {
    byte[] body = b("--a'b\nContent-Disposition: form-data; name=\"x\"; filename=\"f\"\n\nhello\n--a'b--\n");

    List<Multipart.Part> parts = Multipart.parse(body, "multipart/form-data; charset=utf-8; boundary=\"a'b\"");

    assertThat(parts).hasSize(1);
    assertThat(new String(parts.get(0).data(), StandardCharsets.UTF_8)).isEqualTo("hello");
  }

  @Test
  void capturedJavaAgentBodySplitsIntoItsParts() {
    byte[] body = SharedTestData.bytes("captured/java-agent-2.9.2/jfr-cpu-alloc-lock-with-labels.multipart.body");
    String boundary = new String(body, 2, 36, StandardCharsets.ISO_8859_1); // okhttp uses a UUID

    List<Multipart.Part> parts = Multipart.parse(body, "multipart/form-data; boundary=" + boundary);

    assertThat(parts).extracting(Multipart.Part::name).containsExactly("jfr", "labels");
    assertThat(Multipart.file(parts, "jfr").data())
        .isEqualTo(SharedTestData.bytes("captured/java-agent-2.9.2/jfr-cpu-alloc-lock-with-labels.part-jfr.jfr.gz"));
    assertThat(Multipart.file(parts, "labels").data())
        .isEqualTo(SharedTestData.bytes("captured/java-agent-2.9.2/jfr-cpu-alloc-lock-with-labels.part-labels.pb.gz"));
  }

  @Test
  void malformedBodiesAreRejected() {
    assertInvalid(b("--x\r\n\r\nbody\r\n--x--"), "multipart/form-data", "no boundary");
    assertInvalid(b("no delimiter here"), "multipart/form-data; boundary=x", "does not contain the boundary x");
    assertInvalid(b("--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nnever ends"),
        "multipart/form-data; boundary=x", "part a is not terminated");
    assertInvalid(b("--x\r\nContent-Type: text/plain\r\n\r\nv\r\n--x--"), "multipart/form-data; boundary=x",
        "has no Content-Disposition name");
    StringBuilder many = new StringBuilder();
    for (int i = 0; i <= Multipart.MAX_PARTS; i++) {
      many.append("--x\r\nContent-Disposition: form-data; name=\"p").append(i).append("\"\r\n\r\nv\r\n");
    }
    many.append("--x--\r\n");
    assertInvalid(b(many.toString()), "multipart/form-data; boundary=x", "more than 32 parts");
  }

  @Test
  void aFilePartGivenTwiceIsAmbiguous() {
    byte[] body = b("--x\r\nContent-Disposition: form-data; name=\"jfr\"; filename=\"a\"\r\n\r\none\r\n"
        + "--x\r\nContent-Disposition: form-data; name=\"jfr\"; filename=\"b\"\r\n\r\ntwo\r\n"
        + "--x\r\nContent-Disposition: form-data; name=\"jfr\"\r\n\r\nplain\r\n--x--\r\n");
    List<Multipart.Part> parts = Multipart.parse(body, "multipart/form-data; boundary=x");
    assertThat(parts).hasSize(3);
    assertThatThrownBy(() -> Multipart.file(parts, "jfr")).isInstanceOf(FlarestackException.class)
        .hasMessage("invalid multipart body: the form has more than one file part named \"jfr\"; send one");
    // a plain value of the same name beside one file part is no ambiguity: plain values are ignored
    assertThat(Multipart.file(parts.subList(1, 3), "jfr").filename()).isEqualTo("b");
  }

  private static void assertInvalid(byte[] body, String contentType, String message) {
    assertThatThrownBy(() -> Multipart.parse(body, contentType))
        .isInstanceOf(FlarestackException.class)
        .hasMessageStartingWith("invalid multipart body:")
        .hasMessageContaining(message);
  }
}
