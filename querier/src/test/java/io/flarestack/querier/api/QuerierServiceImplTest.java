package io.flarestack.querier.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.limits.Limits;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuerierServiceImplTest {
  private final Limits limits = Limits.defaults();

  @Test
  void nodeBudgetDefaultsAndLimits() {
    assertThat(QuerierServiceImpl.maxNodes(0, limits)).isEqualTo(8192);
    assertThat(QuerierServiceImpl.maxNodes(16384, limits)).isEqualTo(16384);
    assertThat(QuerierServiceImpl.maxNodes(1048576, limits)).isEqualTo(1048576);
    assertThatThrownBy(() -> QuerierServiceImpl.maxNodes(1048577, limits))
        .isInstanceOf(FlarestackException.class).hasMessageContaining("1048577").hasMessageContaining("1048576")
        .hasMessageContaining("max_flamegraph_nodes_max").hasMessageContaining("-querier.max-flamegraph-nodes-max");
    assertThatThrownBy(() -> QuerierServiceImpl.maxNodes(Long.MAX_VALUE, limits)).hasMessageContaining("9223372036854775807");
    assertThatThrownBy(() -> QuerierServiceImpl.maxNodes(Long.MIN_VALUE, limits)).hasMessageContaining("negative");
    assertThatThrownBy(() -> QuerierServiceImpl.maxNodes(-1, limits))
        .isInstanceOf(FlarestackException.class).hasMessageContaining("negative");
  }

  @Test
  void spanSelectorsMustBeSixteenHexCharacters() {
    SpanSelectors.validate(List.of("0123456789abcdef", "FEDCBA9876543210"));
    assertThatThrownBy(() -> SpanSelectors.validate(List.of("0123"))).hasMessageContaining("0123").hasMessageContaining("16");
    assertThatThrownBy(() -> SpanSelectors.validate(List.of("0123456789abcdeg"))).hasMessageContaining("g");
  }

  @Test
  void utf8LabelNamesOnlyWhenTheClientAsks() {
    assertThat(ClientCapabilities.allowsUtf8("application/json; allow-utf8-labelnames=true")).isTrue();
    assertThat(ClientCapabilities.allowsUtf8("text/html, application/json;allow-utf8-labelnames=true;q=0.9")).isTrue();
    assertThat(ClientCapabilities.allowsUtf8("application/json")).isFalse();
    assertThat(ClientCapabilities.allowsUtf8("application/json; allow-utf8-labelnames=false")).isFalse();
  }
}
