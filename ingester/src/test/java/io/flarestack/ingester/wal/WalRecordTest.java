package io.flarestack.ingester.wal;

import static io.flarestack.ingester.testing.Requests.push;
import static io.flarestack.ingester.testing.Requests.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.ingester.v1.PushRequest;
import io.flarestack.common.model.Labels;
import io.flarestack.common.testing.SharedTestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The record payload: compressed round trip, the uncompressed format of version 1, damaged frames. */
class WalRecordTest {
  private static final Profile HEAP = SharedTestData.pprof("go/heap.pb.gz");
  private static final PushRequest REQUEST =
      push(series(Labels.of("__name__", "memory", "service_name", "loki"), HEAP));

  @Test
  void aRecordRoundTripsAndIsStoredCompressed() throws IOException {
    byte[] encoded = new WalRecord("team-a", REQUEST).encode();

    WalRecord decoded = WalRecord.decode(encoded, 0, encoded.length);

    assertThat(decoded.tenant()).isEqualTo("team-a");
    assertThat(decoded.request()).isEqualTo(REQUEST);
    // A real heap profile's request compresses well (its strings and ids repeat): at least 3x.
    assertThat((long) encoded.length).isLessThan(REQUEST.getSerializedSize() / 3L);
  }

  @Test
  void anUncompressedRecordOfFormatVersion1IsStillRead() throws IOException {
    byte[] v1 = payload("team-b", 2, REQUEST.toByteArray());

    WalRecord decoded = WalRecord.decode(v1, 0, v1.length);

    assertThat(decoded.tenant()).isEqualTo("team-b");
    assertThat(decoded.request()).isEqualTo(REQUEST);
  }

  @Test
  void aFrameThatDoesNotDecompressIsAnIoExceptionNamingZstd() {
    byte[] frame = Zstd.compress(REQUEST.toByteArray(), WalRecord.ZSTD_LEVEL);
    frame[frame.length / 2] ^= (byte) 0xff;
    frame[frame.length / 2 + 1] ^= (byte) 0xff;
    byte[] damaged = payload("team-c", 3, frame);

    assertThatThrownBy(() -> WalRecord.decode(damaged, 0, damaged.length))
        .isInstanceOf(IOException.class).hasMessageContaining("zstd");
  }

  @Test
  void bytesThatAreNotAZstdFrameAreAnIoException() {
    byte[] notZstd = payload("team-c", 3, "not a zstd frame".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> WalRecord.decode(notZstd, 0, notZstd.length))
        .isInstanceOf(IOException.class).hasMessageContaining("zstd frame");
  }

  /** A payload written by hand: tenant (field 1), then the request bytes under {@code field}. */
  private static byte[] payload(String tenant, int field, byte[] request) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      out.writeString(1, tenant);
      out.writeBytes(field, ByteString.copyFrom(request));
      out.flush();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return bytes.toByteArray();
  }
}
