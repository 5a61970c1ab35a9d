package io.flarestack.distributor.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.common.limits.Limits;
import io.flarestack.common.model.Labels;
import io.flarestack.distributor.DiscardException;
import io.flarestack.distributor.DiscardReason;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelValidatorTest {
  private static final Limits L = Limits.defaults();

  private static List<LabelPair> pairs(String... kv) {
    List<LabelPair> out = new ArrayList<>();
    for (int i = 0; i < kv.length; i += 2) {
      out.add(LabelPair.newBuilder().setName(kv[i]).setValue(kv[i + 1]).build());
    }
    return out;
  }

  @Test
  void defaultsServiceNameAndSorts() {
    Labels l = LabelValidator.validateRequest(pairs("__name__", "memory", "env", "prod"), L);
    assertThat(l.toString()).isEqualTo("{__name__=\"memory\", env=\"prod\", service_name=\"unknown_service\"}");
    Labels empty = LabelValidator.validateRequest(pairs("__name__", "memory", "service_name", ""), L);
    assertThat(empty.get("service_name")).isEqualTo("unknown_service");
  }

  @Test
  void labelNames() {
    assertThat(LabelValidator.isValidName("service_name")).isTrue();
    assertThat(LabelValidator.isValidName("service.name")).isTrue();
    assertThat(LabelValidator.isValidName("_x9")).isTrue();
    assertThat(LabelValidator.isValidName(".x")).isTrue();
    assertThat(LabelValidator.isValidName("123service")).isFalse();
    assertThat(LabelValidator.isValidName("service-name")).isFalse();
    assertThat(LabelValidator.isValidName("service name")).isFalse();
    assertThat(LabelValidator.isValidName("service@name")).isFalse();
    assertThat(LabelValidator.isValidName("")).isFalse();
  }

  @Test
  void limitsAreCountedInUtf8Bytes() {
    assertThat(LabelValidator.utf8Length("abc")).isEqualTo(3);
    assertThat(LabelValidator.utf8Length("é")).isEqualTo(2);
    assertThat(LabelValidator.utf8Length("€")).isEqualTo(3);
    assertThat(LabelValidator.utf8Length("😀")).isEqualTo(4);
    String value = "é".repeat(1025); // 1025 characters, 2050 bytes
    assertReason(pairs("__name__", "x", "k", value), DiscardReason.LABEL_VALUE_TOO_LONG, "2050 bytes");
  }

  @Test
  void rejections() {
    assertReason(pairs("service_name", "s"), DiscardReason.INVALID_LABELS, "invalid metric name");
    assertReason(pairs("__name__", "x", "n".repeat(1025), "v"), DiscardReason.LABEL_NAME_TOO_LONG, "limit 1024");
    assertReason(pairs("__name__", "x", "a", "1", "a", "2"), DiscardReason.DUPLICATE_LABEL_NAMES, "'a'");
    assertReason(pairs("__name__", "x", "a-b", "1"), DiscardReason.INVALID_LABELS, "invalid label name 'a-b'");
    assertReason(pairs("__name__", "x", "bad", "\ud800"), DiscardReason.INVALID_LABELS, "invalid label value");
  }

  @Test
  void metricNamesFollowPrometheusLegacyRuleWithoutColons() {
    for (String ok : new String[] {"process_cpu", "memory", "wall", "godeltaprof_memory", "off_cpu", "_x", "goroutines",
        "Block2"}) {
      assertThat(LabelValidator.isValidMetricName(ok)).as(ok).isTrue();
    }
    for (String bad : new String[] {"process cpu", "process-cpu", "a:b", "2cpu", "cpu.time", "", "x\u0000", "caf\u00e9"}) {
      assertThat(LabelValidator.isValidMetricName(bad)).as(bad).isFalse();
    }
    assertReason(pairs("__name__", "process cpu", "service_name", "s"), DiscardReason.INVALID_LABELS,
        "invalid metric name 'process cpu'");
    assertReason(pairs("__name__", "a:b"), DiscardReason.INVALID_LABELS, "invalid metric name 'a:b'");
  }

  @Test
  void controlCharactersInValuesAreRefusedExceptTab() {
    assertReason(pairs("__name__", "x", "k", "a\u0000b"), DiscardReason.INVALID_LABELS,
        "the value of label k contains the control character U+0000 at index 1 (only tab is allowed)");
    assertReason(pairs("__name__", "x", "k", "line\nbreak"), DiscardReason.INVALID_LABELS, "U+000A at index 4");
    assertReason(pairs("__name__", "x", "k", "\r"), DiscardReason.INVALID_LABELS, "U+000D at index 0");
    assertReason(pairs("__name__", "x", "k", "esc\u001b[0m"), DiscardReason.INVALID_LABELS, "U+001B");
    // the message itself carries no control character
    assertThatThrownBy(() -> LabelValidator.validateRequest(pairs("__name__", "x", "k", "a\u0000b"), L))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u0000"));
    // Tabs occur in values copied from text and pass, as do DEL and everything beyond ASCII.
    Labels ok = LabelValidator.validateRequest(pairs("__name__", "x", "k", "a\tb\u007f \u00e9 \ud83d\ude00 \ufffd"), L);
    assertThat(ok.get("k")).isEqualTo("a\tb\u007f \u00e9 \ud83d\ude00 \ufffd");
  }

  @Test
  void seriesRulesHonourZeroAsNoLimit() {
    Limits unlimited = new Limits(L.ingestionRateMb(), L.ingestionBurstSizeMb(), L.ingestionBodyLimitBytes(), 0, 0, 0,
        L.maxProfileSizeBytes(), L.maxProfileStacktraceSamples(), L.maxProfileStacktraceSampleLabels(),
        L.maxProfileStacktraceDepth(), L.maxProfileSymbolValueLength(), L.rejectOlderThan(), L.rejectNewerThan(),
        L.maxQueryLookback(), L.maxQueryLength(), L.maxFlameGraphNodesDefault(), L.maxFlameGraphNodesMax());
    List<String> kv = new ArrayList<>(List.of("__name__", "x", "big", "v".repeat(5000)));
    for (int i = 0; i < 40; i++) {
      kv.add("l" + i);
      kv.add("v");
    }
    assertThat(LabelValidator.validateRequest(pairs(kv.toArray(String[]::new)), unlimited).size()).isEqualTo(43);
  }

  private static void assertReason(List<LabelPair> pairs, DiscardReason reason, String message) {
    assertThatThrownBy(() -> LabelValidator.validateRequest(pairs, L))
        .isInstanceOfSatisfying(DiscardException.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessageContaining(message);
  }
}
