package io.flarestack.common.server.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.util.JsonFormat;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonBodiesTest {
  private static final String PUSH = "{\"series\":[{\"labels\":[{\"name\":\"__name__\",\"value\":\"process_cpu\"},"
      + "{\"name\":\"service_name\",\"value\":\"caf\u00e9 \ud83d\ude00\"}],\"samples\":[{\"rawProfile\":\"AAAA\"}]}]}";

  @Test
  void validBodiesPass() throws Exception {
    for (String ok : new String[] {PUSH, "", "   \n", "{}", " {} \r\n\t", "[1,2]", "\"s\"", "12", "true", "null",
        "{\"a\":\"\\\"}\\\\\"}", "{\"a\":\"\\ud83d\\ude00\"}", "{\"a\":\"\\u00e9\\n\"}", "{\"a\":[{},[[]]]}"}) {
      assertThatCode(() -> JsonBodies.requireValid(bytes(ok))).as(ok).doesNotThrowAnyException();
    }
    // and protobuf's JSON parser agrees that the Push body is a Push
    PushRequest.Builder b = PushRequest.newBuilder();
    JsonFormat.parser().merge(PUSH, b);
    assertThat(b.getSeries(0).getLabels(1).getValue()).isEqualTo("caf\u00e9 \ud83d\ude00");
  }

  @Test
  void trailingDataIsRefusedWithItsOffset() {
    assertInvalid("{} x", "data after its value at offset 3 of 4: \"x\"");
    assertInvalid(PUSH + "garbage", "at offset " + bytes(PUSH).length + " ");
    assertInvalid("{}{}", "at offset 2");
    assertInvalid("{}}", "at offset 2");
    assertInvalid("[1] [2]", "at offset 4");
    assertInvalid("12 13", "at offset 3");
    assertInvalid("\"a\" \"b\"", "at offset 4");
    assertInvalid("{}\u0000", "\"\\x00\"");
    assertInvalid("{}" + "x".repeat(100), "\"" + "x".repeat(32) + "...\"");
  }

  @Test
  void theProtobufJsonParserAloneAcceptsTrailingData() throws Exception {
    // Why this check exists: the parser stops after the first value.
    PushRequest.Builder b = PushRequest.newBuilder();
    JsonFormat.parser().merge("{} x", b);
    assertThat(b.build()).isEqualTo(PushRequest.getDefaultInstance());
  }

  @Test
  void invalidUtf8IsRefusedWithTheByteAndOffset() {
    byte[] prefix = bytes("{\"series\":[{\"labels\":[{\"name\":\"service_name\",\"value\":\"a");
    byte[] body = concat(prefix, new byte[] {(byte) 0xff}, bytes("b\"}]}]}"));
    assertThatThrownBy(() -> JsonBodies.requireValid(body)).isInstanceOfSatisfying(FlarestackException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("not valid UTF-8").hasMessageContaining("0xff at offset " + prefix.length + " ");
    assertInvalid(new byte[] {'"', (byte) 0xc0, (byte) 0x80, '"'}, "0xc0 at offset 1"); // overlong NUL
    assertInvalid(new byte[] {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'}, "0xed at offset 1"); // encoded surrogate
    assertInvalid(new byte[] {'"', (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"'}, "0xf4"); // > U+10FFFF
    assertInvalid(new byte[] {'"', (byte) 0xe2, (byte) 0x82}, "0xe2 at offset 1"); // cut short
    assertInvalid(new byte[] {'"', (byte) 0x80, '"'}, "0x80 at offset 1"); // lone continuation
  }

  @Test
  void theValidatorAgreesWithTheJdksStrictDecoderOnRandomBytes() {
    Random random = new Random(42);
    for (int n = 0; n < 20_000; n++) {
      byte[] b = new byte[random.nextInt(8)];
      random.nextBytes(b);
      boolean jdk;
      try {
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
        jdk = true;
      } catch (CharacterCodingException e) {
        jdk = false;
      }
      assertThat(JsonBodies.invalidUtf8At(b) < 0).as("%s", java.util.HexFormat.of().formatHex(b)).isEqualTo(jdk);
    }
  }

  @Test
  void escapedUnpairedSurrogatesAreRefused() {
    assertInvalid("{\"a\":\"x\\ud800\"}", "unpaired UTF-16 surrogate \\ud800 at offset 7");
    assertInvalid("{\"a\":\"\\udc00\"}", "\\udc00 at offset 6");
    assertInvalid("{\"a\":\"\\uD800\\u0041\"}", "\\ud800");
    assertInvalid("{\"a\":\"\\ud800\\n\"}", "\\ud800");
    assertInvalid("[\"\\ud800", "\\ud800");
    assertInvalid("{\"\\ud800\":1}", "\\ud800"); // in a name too
  }

  private static void assertInvalid(String body, String message) {
    assertInvalid(bytes(body), message);
  }

  private static void assertInvalid(byte[] body, String message) {
    assertThatThrownBy(() -> JsonBodies.requireValid(body)).isInstanceOfSatisfying(FlarestackException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT)).hasMessageContaining(message);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
