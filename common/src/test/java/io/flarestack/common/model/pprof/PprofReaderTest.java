package io.flarestack.common.model.pprof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.testing.SharedTestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class PprofReaderTest {
  private static final long LIMIT = 64L << 20;
  private static final String HEAP_RAW = "go/heap.pb";
  private static final String HEAP_GZ = "go/heap.pb.gz";

  @Test
  void rawAndGzippedGiveTheSameProfile() {
    // The README: heap.pb is raw, heap.pb.gz the same profile gzipped.
    byte[] raw = SharedTestData.bytes(HEAP_RAW);
    byte[] gz = SharedTestData.bytes(HEAP_GZ);
    assertThat(PprofReader.isGzip(raw)).isFalse();
    assertThat(PprofReader.isGzip(gz)).isTrue();
    Profile a = PprofReader.parse(raw, LIMIT);
    Profile b = PprofReader.parse(gz, LIMIT);
    assertThat(a).isEqualTo(b);
    assertThat(a.getSampleCount()).isEqualTo(SharedTestData.pprof(HEAP_RAW).getSampleCount()).isPositive();
  }

  @Test
  void gzipIsSniffedNotNamed() {
    // "heap" has no extension and is gzipped; dotnet-pprof-3.pb.gz is raw despite its name.
    assertThat(PprofReader.parse(SharedTestData.bytes("pprof/pkg-pprof/heap"), LIMIT).getSampleCount()).isEqualTo(11951);
    assertThat(PprofReader.parse(SharedTestData.bytes("pprof/og-convert-pprof/dotnet-pprof-3.pb.gz"), LIMIT).getSampleCount())
        .isEqualTo(579);
  }

  @Test
  void decompressedSizeIsBounded() throws IOException {
    byte[] gz = SharedTestData.bytes(HEAP_GZ);
    int rawSize = SharedTestData.bytes(HEAP_RAW).length;
    assertThat(PprofReader.parse(gz, rawSize).getSampleCount()).isEqualTo(SharedTestData.pprof(HEAP_GZ).getSampleCount());
    assertThatThrownBy(() -> PprofReader.parse(gz, rawSize - 1))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessage("decompressed pprof exceeds the limit of %d bytes", rawSize - 1);
    // A gzip bomb: 100 MB of zeros compresses to about 100 KB.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 100; i++) {
        z.write(zeros);
      }
    }
    assertThatThrownBy(() -> PprofReader.parse(out.toByteArray(), 1 << 20)).hasMessageContaining("limit of 1048576 bytes");
    byte[] raw = SharedTestData.bytes(HEAP_RAW);
    assertThatThrownBy(() -> PprofReader.parse(raw, 100)).hasMessageContaining("limit of 100 bytes");
  }

  @Test
  void corruptInputIsInvalidArgument() {
    byte[] gz = SharedTestData.bytes(HEAP_GZ);
    assertThatThrownBy(() -> PprofReader.parse(Arrays.copyOf(gz, gz.length / 2), LIMIT))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageStartingWith("invalid pprof: gzip");
    assertThatThrownBy(() -> PprofReader.parse(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}, LIMIT))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageStartingWith("invalid pprof: ");
  }

  @Test
  void invalidUtf8StringsAreRejected() {
    // Pyroscope answers Push of this file with 400.
    assertThatThrownBy(() -> PprofReader.parse(SharedTestData.bytes("pprof/og-convert-pprof/invalid_utf8.pb.gz"), LIMIT))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageStartingWith("invalid pprof: ");
  }
}
