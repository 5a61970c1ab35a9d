package io.flarestack.common.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.util.JsonFormat;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Strict UTF-8, and the JSON strictness of {@link ProtoGuard#checkJson} that protobuf's parser lacks. */
class Utf8Test {
  private static final ProtoGuard PUSH = ProtoGuard.builder(PushRequest.getDescriptor()).build();
  private static final String BODY = "{\"series\":[{\"labels\":[{\"name\":\"__name__\",\"value\":\"process_cpu\"},"
      + "{\"name\":\"service_name\",\"value\":\"caf\u00e9 \ud83d\ude00\"}],\"samples\":[{\"rawProfile\":\"AAAA\"}]}]}";

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
      assertThat(Utf8.invalidAt(b) < 0).as("%s", java.util.HexFormat.of().formatHex(b)).isEqualTo(jdk);
    }
  }

  @Test
  void aValidBodyPassesAndProtobufAgreesItIsAPush() throws Exception {
    PUSH.estimateJson(BODY.getBytes(StandardCharsets.UTF_8), Long.MAX_VALUE);
    PushRequest.Builder b = PushRequest.newBuilder();
    JsonFormat.parser().merge(BODY, b);
    assertThat(b.getSeries(0).getLabels(1).getValue()).isEqualTo("caf\u00e9 \ud83d\ude00");
  }

  @Test
  void theProtobufJsonParserAloneAcceptsTrailingDataTheGuardDoesNot() throws Exception {
    PushRequest.Builder b = PushRequest.newBuilder();
    JsonFormat.parser().merge("{} x", b); // why the guard checks: the parser stops after the first value
    assertThat(b.build()).isEqualTo(PushRequest.getDefaultInstance());
    for (String body : new String[] {"{} x", BODY + "garbage", "{}{}", "{}}", "{}\u0000"}) {
      assertInvalid(body.getBytes(StandardCharsets.UTF_8), "invalid JSON for push.v1.PushRequest");
    }
  }

  @Test
  void invalidUtf8IsRefusedWithTheByteAndOffset() {
    assertInvalid(new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'}, "byte 0xff at offset 2");
    assertInvalid(new byte[] {'{', '"', (byte) 0xc0, (byte) 0x80, '"', ':', '1', '}'}, "0xc0 at offset 2"); // overlong NUL
    assertInvalid(new byte[] {'{', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', ':', '1', '}'}, "0xed"); // surrogate
    assertInvalid(new byte[] {'{', '"', (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"', ':', '1', '}'}, "0xf4");
    assertInvalid(new byte[] {'{', '"', (byte) 0xe2, (byte) 0x82}, "0xe2 at offset 2"); // cut short
    assertInvalid(new byte[] {'{', '"', (byte) 0x80, '"', ':', '1', '}'}, "0x80 at offset 2"); // lone continuation
  }

  @Test
  void escapedUnpairedSurrogatesAreRefusedInValuesAndNames() {
    for (String body : new String[] {"{\"a\":\"x\\ud800\"}", "{\"a\":\"\\udc00\"}", "{\"a\":\"\\uD800\\u0041\"}",
        "{\"a\":\"\\ud800\\n\"}", "{\"\\ud800\":1}"}) {
      assertInvalid(body.getBytes(StandardCharsets.UTF_8), "surrogate");
    }
  }

  private static void assertInvalid(byte[] body, String message) {
    assertThatThrownBy(() -> PUSH.estimateJson(body, Long.MAX_VALUE)).isInstanceOfSatisfying(FlarestackException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT)).hasMessageContaining(message);
  }
}
