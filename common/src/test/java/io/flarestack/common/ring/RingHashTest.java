package io.flarestack.common.ring;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.common.model.Labels;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class RingHashTest {
  @Test
  void referenceFnv1aMatchesPublishedVectors() {
    // Test vectors of 32-bit FNV-1a (Fowler/Noll/Vo reference test suite).
    assertThat(fnv1a(new byte[0])).isEqualTo(0x811c9dc5);
    assertThat(fnv1a("a".getBytes(UTF_8))).isEqualTo(0xe40c292c);
    assertThat(fnv1a("foobar".getBytes(UTF_8))).isEqualTo(0xbf9cf968);
  }

  @Test
  void tokenForKeyHashesTenantSeparatorAndKey() {
    for (String[] tk : new String[][] {{"anonymous", "my-service"}, {"", ""}, {"tenant-ü", "サービス"},
        {"t", "emoji \uD83D\uDE80"}}) {
      byte[] expected = concat(tk[0].getBytes(UTF_8), new byte[] {(byte) 0xff}, tk[1].getBytes(UTF_8));
      assertThat(RingHash.tokenFor(tk[0], tk[1])).isEqualTo(fnv1a(expected));
    }
  }

  @Test
  void tokenForLabelsHashesEveryLabelInNameOrder() {
    Labels labels = Labels.of("service_name", "checkout", "__name__", "process_cpu", "région", "eu-west");

    byte[] expected = concat("acme".getBytes(UTF_8),
        bytes(0xff), "__name__".getBytes(UTF_8), bytes(0xfe), "process_cpu".getBytes(UTF_8),
        bytes(0xff), "région".getBytes(UTF_8), bytes(0xfe), "eu-west".getBytes(UTF_8),
        bytes(0xff), "service_name".getBytes(UTF_8), bytes(0xfe), "checkout".getBytes(UTF_8));

    assertThat(RingHash.tokenFor("acme", labels)).isEqualTo(fnv1a(expected));
  }

  @Test
  void differentSplitsOfTheSameTextHashDifferently() {
    assertThat(RingHash.tokenFor("ab", "c")).isNotEqualTo(RingHash.tokenFor("a", "bc"));
    assertThat(RingHash.tokenFor("t", Labels.of("ab", "c"))).isNotEqualTo(RingHash.tokenFor("t", Labels.of("a", "bc")));
  }

  @Test
  void unpairedSurrogateHashesLikeItsUtf8Replacement() {
    String broken = "x\uD83Dy";

    assertThat(RingHash.tokenFor("t", broken))
        .isEqualTo(fnv1a(concat("t".getBytes(UTF_8), bytes(0xff), broken.getBytes(UTF_8))));
  }

  /** The textbook FNV-1a loop, as an independent reference. */
  private static int fnv1a(byte[] data) {
    long h = 2166136261L;
    for (byte b : data) {
      h ^= (b & 0xff);
      h = (h * 16777619L) & 0xffffffffL;
    }
    return (int) h;
  }

  private static byte[] bytes(int b) {
    return new byte[] {(byte) b};
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
