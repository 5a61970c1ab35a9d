package io.flarestack.storage.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.model.Labels;
import io.flarestack.common.model.ProfileType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The block's own binary containers and meta.json: round trips and corruption detection. */
class BlockFilesFormatTest {
  private static RangeReader bytes(byte[] b) {
    return new RangeReader() {
      @Override
      public long length() {
        return b.length;
      }

      @Override
      public void readFully(long offset, byte[] dst, int dstOffset, int len) throws IOException {
        if (offset + len > b.length) {
          throw new java.io.EOFException();
        }
        System.arraycopy(b, (int) offset, dst, dstOffset, len);
      }
    };
  }

  private static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";

  private static List<IndexedSeries> series() {
    Labels a = Labels.of("__profile_type__", CPU, "service_name", "a", "pod", "p1");
    Labels b = Labels.of("__profile_type__", CPU, "service_name", "b");
    return List.of(
        new IndexedSeries(a, ProfileType.parse(CPU), a.fingerprint(), 0, 10_000_000, 0, 3, 1_000, 9_000),
        new IndexedSeries(b, ProfileType.parse(CPU), b.fingerprint(), 1, 0, 3, 2, 500, 20_000));
  }

  private static byte[] index() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long size = SeriesIndexFile.write(out, series());
    assertThat(size).isEqualTo(out.size());
    return out.toByteArray();
  }

  @Test
  void seriesIndexRoundTrips() throws IOException {
    assertThat(SeriesIndexFile.read(bytes(index()), "idx")).isEqualTo(series());
  }

  @Test
  void everyFlippedByteOfTheIndexIsDetected() throws IOException {
    byte[] good = index();
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= 0x5a;
      int at = i;
      try {
        List<IndexedSeries> read = SeriesIndexFile.read(bytes(bad), "idx");
        // A flip may only go unnoticed where it cannot change what is read: the header magic.
        assertThat(at).as("undetected flip at byte %d gave %s", at, read).isLessThan(SeriesIndexFile.MAGIC.length);
      } catch (CorruptBlockException expected) {
        assertThat(expected).hasMessageContaining("idx");
      }
    }
  }

  @Test
  void truncatedFilesAreCorruptNotCrashes() throws IOException {
    byte[] good = index();
    for (int len = 0; len < good.length; len += 7) {
      byte[] cut = java.util.Arrays.copyOf(good, len);
      assertThatThrownBy(() -> SeriesIndexFile.read(bytes(cut), "idx")).isInstanceOf(CorruptBlockException.class);
    }
  }

  @Test
  void metaJsonRoundTripsAndIsChecked() {
    String ulid = Ulid.generate(1_700_000_000_000L, new Random(7));
    BlockMeta m = new BlockMeta(ulid, 1, 2, new BlockMeta.Stats(10, 2, 3),
        List.of(new BlockMeta.FileInfo("profiles.parquet", 100, new BlockMeta.ParquetInfo(1, 3)),
            new BlockMeta.FileInfo("series.idx", 10, null), new BlockMeta.FileInfo("symbols.sym", 20, null)),
        new BlockMeta.Compaction(1, List.of(ulid), List.of()), BlockMeta.VERSION, BlockMeta.FORMAT, java.util.Map.of(),
        "ingester");
    assertThat(BlockMeta.parse(m.toJson(), "x")).isEqualTo(m);
    assertThat(m.totalBytes()).isEqualTo(130);
    assertThatThrownBy(() -> BlockMeta.parse("{".getBytes(StandardCharsets.UTF_8), "t/x"))
        .isInstanceOf(CorruptBlockException.class).hasMessageContaining("t/x");
    String pyroscope = new String(m.toJson(), StandardCharsets.UTF_8).replace("\"flarestack\"", "\"phlare\"");
    assertThatThrownBy(() -> BlockMeta.parse(pyroscope.getBytes(StandardCharsets.UTF_8), "t/x"))
        .isInstanceOf(CorruptBlockException.class).hasMessageContaining("unsupported block format");
    String noSymbols = new String(m.toJson(), StandardCharsets.UTF_8).replace("symbols.sym", "other");
    assertThatThrownBy(() -> BlockMeta.parse(noSymbols.getBytes(StandardCharsets.UTF_8), "t/x"))
        .isInstanceOf(CorruptBlockException.class).hasMessageContaining("symbols.sym");
  }

  @Test
  void ulidsSortByTimeAndValidate() {
    Random r = new Random(1);
    String a = Ulid.generate(1_000, r);
    String b = Ulid.generate(2_000, r);
    assertThat(a).hasSize(26).isLessThan(b);
    assertThat(Ulid.isValid(a)).isTrue();
    assertThat(Ulid.timeMillis(b)).isEqualTo(2_000);
    assertThat(Ulid.isValid("01ARZ3NDEKTSV4RRFFQ69G5FAV")).isTrue();
    assertThat(Ulid.isValid("01ARZ3NDEKTSV4RRFFQ69G5FAU")).isFalse(); // U is not Crockford
    assertThat(Ulid.isValid("../../etc/passwd")).isFalse();
  }
}
