package io.flarestack.common.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelectorTest {
  private static final Labels API_PROD = Labels.of("service_name", "api", "env", "prod");
  private static final Labels API_DEV = Labels.of("service_name", "api", "env", "dev");
  private static final Labels WEB = Labels.of("service_name", "web");

  @Test
  void emptyBracesSelectEverything() {
    Selector s = Selector.parse("{}");
    assertThat(s.matchers()).isEmpty();
    assertThat(s.metricName()).isNull();
    assertThat(s.matches(API_PROD)).isTrue();
    assertThat(s.matches(Labels.EMPTY)).isTrue();
  }

  @Test
  void fourOperators() {
    assertThat(Selector.parse("{env=\"prod\"}").matches(API_PROD)).isTrue();
    assertThat(Selector.parse("{env=\"prod\"}").matches(API_DEV)).isFalse();
    assertThat(Selector.parse("{env!=\"prod\"}").matches(API_DEV)).isTrue();
    assertThat(Selector.parse("{env=~\"pr.*\"}").matches(API_PROD)).isTrue();
    assertThat(Selector.parse("{env=~\"pr\"}").matches(API_PROD)).as("regex is anchored").isFalse();
    assertThat(Selector.parse("{env!~\"dev|test\"}").matches(API_PROD)).isTrue();
    assertThat(Selector.parse("{env!~\"dev|test\"}").matches(API_DEV)).isFalse();
  }

  @Test
  void missingLabelMatchesAsEmptyString() {
    assertThat(Selector.parse("{env!=\"prod\"}").matches(WEB)).isTrue();
    assertThat(Selector.parse("{env=\"\"}").matches(WEB)).isTrue();
    assertThat(Selector.parse("{env=\"\"}").matches(API_DEV)).isFalse();
    assertThat(Selector.parse("{env=~\".*\"}").matches(WEB)).isTrue();
    assertThat(Selector.parse("{env=~\".+\"}").matches(WEB)).isFalse();
  }

  @Test
  void matchersAreAndedAndTrailingCommaAllowed() {
    Selector s = Selector.parse(" { service_name = \"api\" , env = 'prod', } ");
    assertThat(s.matchers()).hasSize(2);
    assertThat(s.matches(API_PROD)).isTrue();
    assertThat(s.matches(API_DEV)).isFalse();
  }

  @Test
  void metricNameBeforeBracesIsKeptSeparatelyInTheLegacyForm() {
    Selector s = Selector.parseWithMetricName("process_cpu:cpu:nanoseconds:cpu:nanoseconds{service_name=\"x\"}");
    assertThat(s.metricName()).isEqualTo("process_cpu:cpu:nanoseconds:cpu:nanoseconds");
    assertThat(s.matchers()).containsExactly(Matcher.equal("service_name", "x"));
    assertThat(Selector.parseWithMetricName("memory:alloc_objects:count::").metricName())
        .isEqualTo("memory:alloc_objects:count::");
    assertThat(Selector.parseWithMetricName("{a=\"1\"}")).isEqualTo(Selector.parse("{a=\"1\"}"));
  }

  /**
   * Item 8 of the attack report: a bare word used to select every series. Prometheus (and so
   * Pyroscope's querier) would read it as {__name__="word"}; we refuse it instead, because no
   * client of the label selector fields sends one: Grafana's Pyroscope datasource substitutes
   * {} for an empty query and otherwise sends the query editor's braces, the Profiles Drilldown
   * app builds {service_name="..."} selectors, and this project's UI sends braces only (its
   * ui/src/state/selector.ts refuses anything else). The legacy render query keeps its
   * profile-type prefix (parseWithMetricName).
   */
  @Test
  void labelSelectorsNeedBraces() {
    for (String bare : List.of("nosuchthing", " nosuchthing ", "process_cpu", "process_cpu{}", "foo{a=\"b\"}",
        "process_cpu:cpu:nanoseconds:cpu:nanoseconds{service_name=\"x\"}")) {
      assertThatThrownBy(() -> Selector.parse(bare))
          .as(bare)
          .isInstanceOfSatisfying(FlarestackException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(e.getMessage()).contains("invalid selector " + Matcher.quote(bare), "in braces");
          });
      assertThatThrownBy(() -> Selector.parseAll(List.of("{}", bare))).isInstanceOf(FlarestackException.class);
    }
    assertThatThrownBy(() -> Selector.parse("nosuchthing")).hasMessageContaining("{__name__=\"nosuchthing\"}");
    assertThatThrownBy(() -> Selector.parse("memory:alloc_space:bytes:space:bytes"))
        .hasMessageContaining("{__profile_type__=\"memory:alloc_space:bytes:space:bytes\"}");
  }

  @Test
  void overLongSelectorsAreRefusedQuicklyNamingTheLimit() {
    String mib = "{a=~\"" + "x|".repeat(1 << 19) + "\"}"; // 1 MiB
    assertThatThrownBy(() -> Selector.parse(mib))
        .isInstanceOfSatisfying(FlarestackException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
          assertThat(e.getMessage()).contains((mib.length()) + " characters long", "limit of 65536")
              .hasSizeLessThan(600);
        });
    String half = "{a=\"" + "x".repeat(40_000) + "\"}";
    assertThat(Selector.parse(half).matchers()).hasSize(1);
    assertThatThrownBy(() -> Selector.parseAll(List.of(half, half)))
        .isInstanceOfSatisfying(FlarestackException.class, e ->
            assertThat(e.getMessage()).contains("2 label selectors", "limit of 65536"));
    // A long selector with a bad regex: the message quotes both in part only.
    String bad = "{a=\"" + "x".repeat(30_000) + "\", b=~\"(" + "y".repeat(10_000) + "\"}";
    assertThatThrownBy(() -> Selector.parse(bad))
        .isInstanceOfSatisfying(FlarestackException.class, e ->
            assertThat(e.getMessage()).contains("RE2 syntax", "label b", "characters)").hasSizeLessThan(1_500));
  }

  @Test
  void quotedLabelNamesAndEscapes() {
    Selector s = Selector.parse("{\"service.name\"=\"a\\\"b\\\\c\\n\", raw=`x\\y`}");
    assertThat(s.matchers().get(0).name()).isEqualTo("service.name");
    assertThat(s.matchers().get(0).value()).isEqualTo("a\"b\\c\n");
    assertThat(s.matchers().get(1).value()).isEqualTo("x\\y");
  }

  @Test
  void escapesPastTheLastCodePointAreRefusedNotThrown() {
    // Found by DecoderFuzzTest: \\U48364800 reached StringBuilder.appendCodePoint (an IllegalArgumentException).
    for (String bad : List.of("{a='\\U48364800'}", "{a=\"\\U00110000\"}", "{a=\"\\Uffffffff\"}")) {
      assertThatThrownBy(() -> Selector.parse(bad)).as(bad).isInstanceOfSatisfying(FlarestackException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(e.getMessage()).contains("is not a Unicode code point (the largest is \\U0010ffff)")
            .contains("at position 4");
      });
    }
    assertThat(Selector.parse("{a=\"\\U0010ffff\"}").matchers().get(0).value()).isEqualTo("\udbff\udfff");
  }

  @Test
  void roundTripsThroughToString() {
    Selector s = Selector.parse("{a=\"1\", \"b.c\"!~\"x|y\", d=~\"q\\\"\"}");
    assertThat(Selector.parse(s.toString())).isEqualTo(s);
  }

  @Test
  void errorsAreInvalidArgumentNamingTheSelectorAndPosition() {
    for (String bad : List.of("", "{", "{a}", "{a=1}", "{a=\"1\"", "{a=\"1\" b=\"2\"}", "{a~\"x\"}", "{a=\"x\"}}", "{1a=\"x\"}",
        "{a=~\"(\"}", "{a=\"\\q\"}")) {
      assertThatThrownBy(() -> Selector.parse(bad))
          .as(bad)
          .isInstanceOfSatisfying(FlarestackException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(e.getMessage()).contains("selector").containsAnyOf("position", "regular expression");
          });
    }
  }
}
