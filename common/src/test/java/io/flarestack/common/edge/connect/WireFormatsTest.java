package io.flarestack.common.edge.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.errors.TooLargeException;
import io.flarestack.common.io.Gzip;
import io.flarestack.common.io.RequestMemory;
import io.flarestack.common.tenant.Tenant;
import io.grpc.Metadata;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Content types, deadline headers, gRPC framing and header-to-metadata conversion. */
class WireFormatsTest {
  @Test
  void contentTypesSelectTheProtocol() {
    assertThat(RpcProtocol.fromContentType("application/proto")).isEqualTo(RpcProtocol.CONNECT_PROTO);
    assertThat(RpcProtocol.fromContentType("Application/JSON; charset=UTF-8")).isEqualTo(RpcProtocol.CONNECT_JSON);
    assertThat(RpcProtocol.fromContentType("application/json;charset=\"utf-8\"")).isEqualTo(RpcProtocol.CONNECT_JSON);
    assertThat(RpcProtocol.fromContentType("application/grpc")).isEqualTo(RpcProtocol.GRPC_PROTO);
    assertThat(RpcProtocol.fromContentType("application/grpc+proto")).isEqualTo(RpcProtocol.GRPC_PROTO_EXPLICIT);
    assertThat(RpcProtocol.fromContentType("application/grpc+json").json()).isTrue();
    assertThat(RpcProtocol.fromContentType("application/json; charset=latin1")).isNull();
    assertThat(RpcProtocol.fromContentType("application/grpc-web")).isNull();
    assertThat(RpcProtocol.fromContentType("application/connect+proto")).isNull();
    assertThat(RpcProtocol.fromContentType(null)).isNull();
  }

  @Test
  void deadlineHeaders() {
    assertThat(Timeouts.connectTimeoutNanos(null)).isEqualTo(Timeouts.NONE);
    assertThat(Timeouts.connectTimeoutNanos("1500")).isEqualTo(1_500_000_000L);
    assertThat(Timeouts.connectTimeoutNanos("9999999999")).isEqualTo(9_999_999_999_000_000L);
    assertThatThrownBy(() -> Timeouts.connectTimeoutNanos("12345678901")).hasMessageContaining("12345678901");
    assertThatThrownBy(() -> Timeouts.connectTimeoutNanos("-1")).isInstanceOf(FlarestackException.class);
    assertThat(Timeouts.grpcTimeoutNanos("2H")).isEqualTo(7_200_000_000_000L);
    assertThat(Timeouts.grpcTimeoutNanos("3M")).isEqualTo(180_000_000_000L);
    assertThat(Timeouts.grpcTimeoutNanos("4S")).isEqualTo(4_000_000_000L);
    assertThat(Timeouts.grpcTimeoutNanos("5m")).isEqualTo(5_000_000L);
    assertThat(Timeouts.grpcTimeoutNanos("6u")).isEqualTo(6_000L);
    assertThat(Timeouts.grpcTimeoutNanos("99999999n")).isEqualTo(99_999_999L);
    assertThatThrownBy(() -> Timeouts.grpcTimeoutNanos("5x")).hasMessageContaining("unknown unit");
    assertThatThrownBy(() -> Timeouts.grpcTimeoutNanos("123456789S")).hasMessageContaining("123456789S");
    assertThatThrownBy(() -> Timeouts.grpcTimeoutNanos("S")).isInstanceOf(FlarestackException.class);
  }

  @Test
  void grpcFramesRoundTrip() {
    byte[] a = "first".getBytes(StandardCharsets.UTF_8);
    byte[] b = new byte[70_000];
    b[69_999] = 7;
    byte[] fa = GrpcFraming.frame(a);
    byte[] fb = GrpcFraming.frame(b);
    assertThat(fa).startsWith(0, 0, 0, 0, 5);
    assertThat(fb).startsWith(0, 0, 1, 0x11, 0x70);
    byte[] both = new byte[fa.length + fb.length];
    System.arraycopy(fa, 0, both, 0, fa.length);
    System.arraycopy(fb, 0, both, fa.length, fb.length);
    List<byte[]> messages = GrpcFraming.split(both, null, 1 << 20, RequestMemory.unbounded());
    assertThat(messages).hasSize(2);
    assertThat(messages.get(0)).isEqualTo(a);
    assertThat(messages.get(1)).isEqualTo(b);
    assertThat(GrpcFraming.split(new byte[0], null, 10, RequestMemory.unbounded())).isEmpty();
  }

  @Test
  void compressedGrpcFramesAreInflatedWithinTheLimit() {
    byte[] gz = Gzip.gzip(new byte[4096]);
    byte[] frame = GrpcFraming.frame(gz);
    frame[0] = 1;
    assertThat(GrpcFraming.split(frame, "gzip", 4096, RequestMemory.unbounded()).get(0)).hasSize(4096);
    assertThatThrownBy(() -> GrpcFraming.split(frame, "gzip", 4095, RequestMemory.unbounded())).isInstanceOf(TooLargeException.class);
    assertThatThrownBy(() -> GrpcFraming.split(frame, "snappy", 4096, RequestMemory.unbounded())).hasMessageContaining("\"snappy\"");
    assertThatThrownBy(() -> GrpcFraming.split(new byte[] {0, 0, 0, 0, 9, 1}, null, 100, RequestMemory.unbounded()))
        .hasMessageContaining("frame says 9 bytes, 1 left");
    assertThatThrownBy(() -> GrpcFraming.split(new byte[] {0, 0}, null, 100, RequestMemory.unbounded())).hasMessageContaining("header");
  }

  @Test
  void grpcMessagesArePercentEncoded() {
    assertThat(GrpcFraming.encodeMessage("plain text")).isEqualTo("plain text");
    assertThat(GrpcFraming.encodeMessage("50% off\nnow ü")).isEqualTo("50%25 off%0Anow %C3%BC");
  }

  @Test
  void headersBecomeMetadataWithoutTransportHeaders() {
    Metadata md = RequestMetadata.from(Map.of(
        "x-scope-orgid", List.of("t1"),
        "content-type", List.of("application/json"),
        "connect-timeout-ms", List.of("100"),
        "host", List.of("h"),
        "trace-bin", List.of("AQI"),
        "bad header", List.of("x")));
    assertThat(md.get(Tenant.METADATA_KEY)).isEqualTo("t1");
    assertThat(md.get(Metadata.Key.of("trace-bin", Metadata.BINARY_BYTE_MARSHALLER))).containsExactly(1, 2);
    assertThat(md.keys()).containsExactlyInAnyOrder("x-scope-orgid", "trace-bin");
  }
}
