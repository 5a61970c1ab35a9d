package io.flarestack.objstore;

import static io.flarestack.objstore.TestObjects.pattern;
import static io.flarestack.objstore.TestObjects.patternBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartReaderTest {
  private static List<byte[]> parts(PartReader reader) throws IOException {
    List<byte[]> out = new ArrayList<>();
    while (reader.hasNext()) {
      int n = reader.next();
      assertThat(n).isEqualTo(reader.partLength());
      out.add(Arrays.copyOf(reader.buffer(), n));
    }
    return out;
  }

  @Test
  void cutsDataIntoPartsWithAShorterLastOne() throws IOException {
    PartReader reader = new PartReader("k", pattern(7, 25), 25, 10);

    assertThat(reader.singlePart()).isFalse();
    List<byte[]> parts = parts(reader);

    assertThat(parts).hasSize(3);
    assertThat(parts.get(0)).isEqualTo(patternBytes(7, 0, 10));
    assertThat(parts.get(1)).isEqualTo(patternBytes(7, 10, 10));
    assertThat(parts.get(2)).isEqualTo(patternBytes(7, 20, 5));
  }

  @Test
  void exactMultipleOfThePartSizeEndsWithAFullPart() throws IOException {
    assertThat(parts(new PartReader("k", pattern(7, 20), 20, 10))).extracting(p -> p.length).containsExactly(10, 10);
  }

  @Test
  void smallDataIsOnePartWithABufferOfItsSize() throws IOException {
    PartReader reader = new PartReader("k", pattern(7, 4), 4, 1 << 20);

    assertThat(reader.singlePart()).isTrue();
    assertThat(reader.buffer()).hasSize(4);
    assertThat(parts(reader)).singleElement().isEqualTo(patternBytes(7, 0, 4));
  }

  @Test
  void emptyDataIsOneEmptyPart() throws IOException {
    PartReader reader = new PartReader("k", pattern(7, 0), 0, 10);

    assertThat(reader.singlePart()).isTrue();
    assertThat(parts(reader)).singleElement().satisfies(p -> assertThat(p).isEmpty());
  }

  @Test
  void shortDataFailsInThePartWhereItEnds() throws IOException {
    PartReader reader = new PartReader("k", pattern(7, 15), 25, 10);
    reader.next();

    assertThatThrownBy(reader::next).isInstanceOf(IOException.class)
        .hasMessage("upload of \"k\": the data ended after 15 of the declared 25 bytes");
  }

  @Test
  void longDataFailsAtTheLastPart() throws IOException {
    PartReader reader = new PartReader("k", pattern(7, 21), 20, 10);
    reader.next();

    assertThatThrownBy(reader::next).isInstanceOf(IOException.class)
        .hasMessage("upload of \"k\": the data is longer than the declared 20 bytes");
  }

  @Test
  void negativeLengthIsRejected() {
    assertThatThrownBy(() -> new PartReader("k", pattern(7, 1), -1, 10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }
}
