package io.flarestack.common.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.ListValue;
import com.google.protobuf.Value;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.api.push.v1.RawSample;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.errors.TooLargeException;
import io.flarestack.common.testing.SharedTestData;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ProtoGuardTest {
  private static final ProtoGuard PUSH = ProtoGuard.builder(PushRequest.getDescriptor())
      .limit(PushRequest.getDescriptor().findFieldByName("series"), 3,
          n -> FlarestackException.invalidArgument("series %d", n))
      .limit(RawProfileSeries.getDescriptor().findFieldByName("labels"), 5,
          n -> FlarestackException.invalidArgument("labels %d", n))
      .build();

  private static PushRequest push(int series, int labelsEach, byte[] profile) {
    PushRequest.Builder b = PushRequest.newBuilder();
    for (int s = 0; s < series; s++) {
      RawProfileSeries.Builder r = RawProfileSeries.newBuilder();
      for (int l = 0; l < labelsEach; l++) {
        r.addLabels(LabelPair.newBuilder().setName("n" + l).setValue("v" + s));
      }
      r.addSamples(RawSample.newBuilder().setRawProfile(ByteString.copyFrom(profile)).setID("id-" + s));
      b.addSeries(r);
    }
    return b.build();
  }

  @Test
  void aRealRequestPassesAndIsEstimatedAboveItsSize() {
    byte[] pprof = SharedTestData.bytes("pprof/og-convert-pprof/dotnet-pprof-3.pb.gz");
    byte[] wire = push(3, 1, pprof).toByteArray();
    RequestMemory memory = new MemoryBudget(64 << 20).open();
    long cost = PUSH.check(wire, memory, "a push");
    assertThat(cost).isGreaterThan(wire.length);
    assertThat(memory.held()).isEqualTo(cost);
  }

  @Test
  void limitedFieldsAreCountedAcrossTheWholeMessage() {
    byte[] four = push(4, 1, new byte[0]).toByteArray();
    assertThatThrownBy(() -> PUSH.estimate(ByteBuffer.wrap(four), Long.MAX_VALUE)).hasMessage("series 4");
    // 2 series of 3 labels each: 6 labels in all, over the limit of 5 though each series has 3.
    byte[] labels = push(2, 3, new byte[0]).toByteArray();
    assertThatThrownBy(() -> PUSH.estimate(ByteBuffer.wrap(labels), Long.MAX_VALUE)).hasMessage("labels 6");
  }

  @Test
  void packedValuesAreCountedOneByOneAndCanBeLimitedPerCheck() {
    Profile p = SharedTestData.pprof("pprof/og-convert-pprof/dotnet-pprof-3.pb.gz");
    ProtoGuard samples = ProtoGuard.builder(Profile.getDescriptor())
        .limit(Profile.getDescriptor().findFieldByName("sample"), Long.MAX_VALUE,
            n -> FlarestackException.invalidArgument("samples %d", n))
        .build();
    ByteString wire = p.toByteString();
    RequestMemory memory = RequestMemory.unbounded();
    samples.check(wire, memory, "a profile", p.getSampleCount());
    assertThatThrownBy(() -> samples.check(wire, memory, "a profile", p.getSampleCount() - 1))
        .hasMessage("samples " + p.getSampleCount());
    // Every packed location id and value costs at least its own width in the heap.
    long values = 0;
    for (var s : p.getSampleList()) {
      values += s.getLocationIdCount() + s.getValueCount();
    }
    assertThat(samples.estimate(wire.asReadOnlyByteBuffer(), Long.MAX_VALUE)).isGreaterThan(values * 8);
  }

  @Test
  void floodsOfEmptyMessagesOrUnknownFieldsCostPerElementNotPerByte() {
    int n = 100_000;
    byte[] empties = repeat(new byte[] {0x0a, 0x00}, n); // empty series
    byte[] unknown = repeat(new byte[] {0x1a, 0x00}, n); // field 3, unknown to PushRequest
    ProtoGuard unlimited = ProtoGuard.builder(PushRequest.getDescriptor()).build();
    assertThat(unlimited.estimate(ByteBuffer.wrap(empties), Long.MAX_VALUE)).isGreaterThan(n * 32L);
    assertThat(unlimited.estimate(ByteBuffer.wrap(unknown), Long.MAX_VALUE)).isGreaterThan(n * 64L);
    // The walk stops once the estimate passes what the request could hold.
    assertThat(unlimited.estimate(ByteBuffer.wrap(unknown), 1000)).isBetween(1000L, 2000L);
    MemoryBudget budget = new MemoryBudget(1 << 20);
    RequestMemory memory = budget.open();
    assertThatThrownBy(() -> unlimited.check(unknown, memory, "the flood"))
        .isInstanceOfSatisfying(TooLargeException.class,
            e -> assertThat(e.getMessage()).contains("decoding the flood").contains(MemoryBudget.FLAG));
    memory.close();
    assertThat(budget.used()).isZero();
  }

  @Test
  void malformedWireDataIsInvalidArgument() {
    ProtoGuard guard = ProtoGuard.builder(PushRequest.getDescriptor()).build();
    byte[] good = push(1, 2, new byte[] {1, 2, 3}).toByteArray();
    for (int cut = 1; cut < good.length; cut++) {
      byte[] truncated = Arrays.copyOf(good, cut);
      assertInvalid(guard, truncated, "");
    }
    assertInvalid(guard, new byte[] {0x0a, 0x05, 0x00}, "truncated");
    assertInvalid(guard, new byte[] {0x00, 0x01}, "number 0");
    assertInvalid(guard, new byte[] {0x0b}, "groups");
    assertInvalid(guard, new byte[] {0x0f}, "wire type 7");
    assertInvalid(guard, new byte[] {(byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
        (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01}, "varint");
  }

  @Test
  void nestingDeeperThanProtobufsRecursionLimitIsRefused() {
    ProtoGuard guard = ProtoGuard.builder(Value.getDescriptor()).build();
    Value v = Value.newBuilder().setNumberValue(1).build();
    for (int i = 0; i < 40; i++) { // each level is a Value and a ListValue: 81 messages deep
      v = Value.newBuilder().setListValue(ListValue.newBuilder().addValues(v)).build();
    }
    guard.estimate(v.toByteString().asReadOnlyByteBuffer(), Long.MAX_VALUE);
    for (int i = 0; i < 20; i++) {
      v = Value.newBuilder().setListValue(ListValue.newBuilder().addValues(v)).build();
    }
    Value deep = v;
    assertThatThrownBy(() -> guard.estimate(deep.toByteString().asReadOnlyByteBuffer(), Long.MAX_VALUE))
        .hasMessageContaining("nested more than 100 deep");
  }

  @Test
  void jsonIsWalkedWithTheSameLimits() {
    assertThat(PUSH.estimateJson(json("{\"series\":[{},{},{}]}"), Long.MAX_VALUE)).isPositive();
    assertThatThrownBy(() -> PUSH.estimateJson(json("{\"series\":[{},{},{},{}]}"), Long.MAX_VALUE))
        .hasMessage("series 4");
    String labels = "{\"name\":\"a\",\"value\":\"b\"}";
    // proto and JSON field names both count
    assertThatThrownBy(() -> PUSH.estimateJson(json("{\"series\":[{\"labels\":[" + String.join(",",
        labels, labels, labels) + "]},{\"labels\":[" + String.join(",", labels, labels, labels) + "]}]}"), Long.MAX_VALUE))
        .hasMessage("labels 6");
  }

  @Test
  void jsonThatProtobufsParserWouldAcceptLenientlyIsRefused() {
    assertInvalidJson("{\"series\":[]} trailing", "Unrecognized token 'trailing'");
    assertInvalidJson("{\"series\":[]}{}", "data after its value at offset 13");
    assertInvalidJson("[{}]", "one JSON object");
    assertInvalidJson("{\"series\":[{\"labels\":[{\"name\":\"\\ud800\",\"value\":\"x\"}]}]}", "lone surrogate");
    byte[] badUtf8 = "{\"series\":[{\"labels\":[{\"name\":\"a?b\"}]}]}".getBytes(StandardCharsets.UTF_8);
    badUtf8[new String(badUtf8, StandardCharsets.UTF_8).indexOf('?')] = (byte) 0xff;
    assertThatThrownBy(() -> PUSH.estimateJson(badUtf8, Long.MAX_VALUE))
        .isInstanceOfSatisfying(FlarestackException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
          assertThat(e.getMessage()).contains("UTF-8");
        });
    assertInvalidJson("{\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}", "nesting depth");
  }

  @Test
  void anArrayOfMillionsOfEmptyObjectsIsEstimatedPerElement() {
    int n = 1_000_000;
    StringBuilder sb = new StringBuilder("{\"unknownField\":[");
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "{}" : ",{}");
    }
    byte[] body = json(sb.append("]}").toString());
    ProtoGuard unlimited = ProtoGuard.builder(PushRequest.getDescriptor()).build();
    assertThat(unlimited.estimateJson(body, Long.MAX_VALUE)).isGreaterThan(n * 100L);
    assertThat(unlimited.estimateJson(body, 1 << 20)).isBetween(1L << 20, 2L << 20 + 2L * body.length);
  }

  private static void assertInvalid(ProtoGuard guard, byte[] data, String message) {
    assertThatThrownBy(() -> guard.estimate(ByteBuffer.wrap(data), Long.MAX_VALUE))
        .isInstanceOfSatisfying(FlarestackException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
          assertThat(e.getMessage()).startsWith("invalid protobuf push.v1.PushRequest").contains(message);
        });
  }

  private static void assertInvalidJson(String text, String message) {
    assertThatThrownBy(() -> PUSH.estimateJson(json(text), Long.MAX_VALUE))
        .isInstanceOfSatisfying(FlarestackException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
          assertThat(e.getMessage()).startsWith("invalid JSON for push.v1.PushRequest").contains(message);
        });
  }

  private static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] repeat(byte[] unit, int n) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(unit.length * n);
    for (int i = 0; i < n; i++) {
      out.writeBytes(unit);
    }
    return out.toByteArray();
  }
}
