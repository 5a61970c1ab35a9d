package io.flarestack.common.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LabelsTest {
  @Test
  void sortedByNameWithLastValueWinning() {
    Labels l = Labels.of("b", "2", "a", "1", "b", "3");
    assertThat(l.size()).isEqualTo(2);
    assertThat(l.name(0)).isEqualTo("a");
    assertThat(l.get("b")).isEqualTo("3");
    assertThat(l.get("c")).isNull();
    assertThat(l.getOrEmpty("c")).isEmpty();
    assertThat(l).hasToString("{a=\"1\", b=\"3\"}");
  }

  @Test
  void equalSetsHaveEqualFingerprintsWhateverTheInsertionOrder() {
    Labels x = Labels.of("a", "1", "b", "2");
    Labels y = Labels.of("b", "2", "a", "1");
    assertThat(x).isEqualTo(y);
    assertThat(x.fingerprint()).isEqualTo(y.fingerprint());
    assertThat(Labels.fromProto(x.toProto())).isEqualTo(x);
  }

  @Test
  void fingerprintSeparatesNamesFromValues() {
    // Without separators "ab"="c" and "a"="bc" would hash alike.
    assertThat(Labels.of("ab", "c").fingerprint()).isNotEqualTo(Labels.of("a", "bc").fingerprint());
    assertThat(Labels.of("a", "1", "b", "2").fingerprint()).isNotEqualTo(Labels.of("a", "12").fingerprint());
  }

  @Test
  void withWithoutKeep() {
    Labels l = Labels.of("a", "1", "b", "2", "c", "3");
    assertThat(l.with("d", "4").get("d")).isEqualTo("4");
    assertThat(l.without("a", "c")).isEqualTo(Labels.of("b", "2"));
    assertThat(l.keep(List.of("c", "x", "a"))).isEqualTo(Labels.of("a", "1", "c", "3"));
  }

  @Test
  void orderIsLexicographicByPairs() {
    assertThat(Labels.of("a", "1").compareTo(Labels.of("a", "2"))).isNegative();
    assertThat(Labels.of("a", "1").compareTo(Labels.of("a", "1", "b", "0"))).isNegative();
    assertThat(Labels.of("b", "0").compareTo(Labels.of("a", "9"))).isPositive();
  }

  @Test
  void legacyNames() {
    assertThat(LabelNames.isLegacyName("service_name")).isTrue();
    assertThat(LabelNames.isLegacyName("_x9")).isTrue();
    assertThat(LabelNames.isLegacyName("service.name")).isFalse();
    assertThat(LabelNames.isLegacyName("9x")).isFalse();
    assertThat(LabelNames.isLegacyName("")).isFalse();
  }
}
