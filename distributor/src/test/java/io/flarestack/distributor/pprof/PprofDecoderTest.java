package io.flarestack.distributor.pprof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.testing.SharedTestData;
import io.flarestack.distributor.DiscardException;
import io.flarestack.distributor.DiscardReason;
import org.junit.jupiter.api.Test;

class PprofDecoderTest {
  private static final String GZ = "go/cpu-short.pb.gz";
  private static final String RAW = "go/heap.pb";

  @Test
  void gzipIsDetectedByMagicBytesNotByName() {
    byte[] gz = SharedTestData.bytes(GZ);
    byte[] raw = SharedTestData.bytes(RAW);
    // the .pb.gz name of dotnet-pprof-3 is not gzip
    assertThat(PprofDecoder.decode(SharedTestData.bytes("pprof/og-convert-pprof/dotnet-pprof-3.pb.gz"), 0, Long.MAX_VALUE)
        .profile().getSampleCount()).isEqualTo(579);
    assertThat(PprofDecoder.decode(gz, 0, Long.MAX_VALUE).decompressedSize()).isEqualTo(SharedTestData.gunzipIfNeeded(gz).length);
    assertThat(PprofDecoder.decode(raw, 0, Long.MAX_VALUE).decompressedSize()).isEqualTo(raw.length);
    assertThat(PprofDecoder.decode(SharedTestData.gzip(raw), 0, Long.MAX_VALUE).profile())
        .isEqualTo(PprofDecoder.decode(raw, 0, Long.MAX_VALUE).profile());
  }

  @Test
  void theExactLimitPassesOneByteMoreDoesNot() {
    byte[] raw = SharedTestData.gunzipIfNeeded(SharedTestData.bytes(GZ));
    byte[] gz = SharedTestData.gzip(raw);
    assertThat(PprofDecoder.decode(gz, raw.length, Long.MAX_VALUE).decompressedSize()).isEqualTo(raw.length);
    assertThatThrownBy(() -> PprofDecoder.decode(gz, raw.length - 1, Long.MAX_VALUE))
        .isInstanceOfSatisfying(DiscardException.class,
            e -> assertThat(e.reason()).isEqualTo(DiscardReason.PROFILE_SIZE_LIMIT))
        .hasMessageContaining("limit: " + (raw.length - 1));
    assertThatThrownBy(() -> PprofDecoder.decode(raw, raw.length - 1, Long.MAX_VALUE))
        .hasMessageContaining("actual: " + raw.length + " bytes");
  }

  @Test
  void theRemainingBodyBudgetHasItsOwnReason() {
    byte[] raw = SharedTestData.gunzipIfNeeded(SharedTestData.bytes(GZ));
    assertThatThrownBy(() -> PprofDecoder.decode(SharedTestData.gzip(raw), 4 << 20, 100))
        .isInstanceOfSatisfying(DiscardException.class,
            e -> assertThat(e.reason()).isEqualTo(DiscardReason.BODY_SIZE_LIMIT))
        .hasMessageContaining("ingestion_body_limit").hasMessageContaining("remaining for this profile: 100");
  }

  @Test
  void aBombCostsAtMostTheLimit() {
    byte[] bomb = SharedTestData.gzip(new byte[32 << 20]);
    assertThat(bomb.length).isLessThan(64 << 10);
    assertThatThrownBy(() -> PprofDecoder.decode(bomb, 1 << 20, Long.MAX_VALUE))
        .hasMessageContaining("more than 1048576 bytes after gzip decompression");
  }
}
