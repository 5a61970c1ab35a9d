package io.flarestack.common.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.testing.SharedTestData;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GzipTest {
  @Test
  void compressesToStandardGzip() {
    byte[] data = "abc".repeat(1000).getBytes(StandardCharsets.UTF_8);
    byte[] gz = Gzip.compress(data);
    assertThat(gz.length).isLessThan(data.length / 10);
    assertThat(SharedTestData.gunzip(gz)).isEqualTo(data);
  }

  @Test
  void decompressesConcatenatedMembersUpToTheLimit() {
    byte[] a = Gzip.compress("hello ".getBytes(StandardCharsets.UTF_8));
    byte[] b = Gzip.compress("world".getBytes(StandardCharsets.UTF_8));
    byte[] both = new byte[a.length + b.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    assertThat(new String(Gzip.decompress(both, 11, "body"), StandardCharsets.UTF_8)).isEqualTo("hello world");
  }

  @Test
  void refusesOutputOverTheLimit() {
    byte[] bomb = Gzip.compress(new byte[10 << 20]);
    assertThatThrownBy(() -> Gzip.decompress(bomb, 1 << 20, "request body"))
        .isInstanceOfSatisfying(BodyTooLargeException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
          assertThat(e.getMessage()).contains("request body").contains("1048576").contains(bomb.length + " bytes compressed");
          assertThat(e.toResponse().status()).isEqualTo(413);
        });
  }

  @Test
  void rejectsDataThatIsNotGzip() {
    assertThatThrownBy(() -> Gzip.decompress(new byte[] {1, 2, 3, 4}, 100, "request body"))
        .isInstanceOfSatisfying(FlarestackException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
          assertThat(e.getMessage()).startsWith("request body is not valid gzip");
        });
  }
}
