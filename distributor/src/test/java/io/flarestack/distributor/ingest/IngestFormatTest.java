package io.flarestack.distributor.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.errors.FlarestackException;
import io.flarestack.distributor.ingest.IngestHandler.Format;
import org.junit.jupiter.api.Test;

/** Format selection, first match wins (pyroscope-api.md §5.2). */
class IngestFormatTest {
  private static final String MP = "multipart/form-data; boundary=x";

  @Test
  void explicitFormats() {
    assertThat(IngestHandler.format("pprof", null)).isEqualTo(Format.PPROF);
    // Pyroscope would read the form as one pprof and fail; the form is unpacked instead
    assertThat(IngestHandler.format("pprof", MP)).isEqualTo(Format.PPROF_MULTIPART);
    assertThat(IngestHandler.format("lines", null)).isEqualTo(Format.LINES);
    assertThat(IngestHandler.format("jfr", MP)).isEqualTo(Format.JFR);
    assertThat(IngestHandler.format("speedscope", "application/json")).isEqualTo(Format.SPEEDSCOPE);
    assertThat(IngestHandler.format("trie", null)).isEqualTo(Format.TRIE);
    assertThat(IngestHandler.format("tree", null)).isEqualTo(Format.TREE);
  }

  @Test
  void contentTypesSelectTrieAndTreeBeforeOtherFormats() {
    assertThat(IngestHandler.format("lines", "binary/octet-stream+trie")).isEqualTo(Format.TRIE);
    assertThat(IngestHandler.format(null, "binary/octet-stream+tree")).isEqualTo(Format.TREE);
  }

  @Test
  void multipartWithoutFormatIsAPprofForm() {
    assertThat(IngestHandler.format(null, MP)).isEqualTo(Format.PPROF_MULTIPART);
    assertThat(IngestHandler.format("folded", MP)).isEqualTo(Format.PPROF_MULTIPART);
  }

  @Test
  void everythingElseIsFolded() {
    assertThat(IngestHandler.format(null, null)).isEqualTo(Format.FOLDED);
    assertThat(IngestHandler.format("", "binary/octet-stream")).isEqualTo(Format.FOLDED);
    assertThat(IngestHandler.format("folded", "text/plain")).isEqualTo(Format.FOLDED);
    assertThat(IngestHandler.format("collapsed", null)).isEqualTo(Format.FOLDED);
    assertThat(IngestHandler.format("groups", null)).isEqualTo(Format.FOLDED);
  }

  @Test
  void unknownFormatListsTheSupportedOnes() {
    assertThatThrownBy(() -> IngestHandler.format("protobuf", null))
        .isInstanceOf(FlarestackException.class)
        .hasMessageContaining("unknown format \"protobuf\"")
        .hasMessageContaining("pprof, jfr, lines, folded");
  }
}
