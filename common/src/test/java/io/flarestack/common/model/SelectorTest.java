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
  void metricNameBeforeBracesIsKeptSeparately() {
    Selector s = Selector.parse("process_cpu:cpu:nanoseconds:cpu:nanoseconds{service_name=\"x\"}");
    assertThat(s.metricName()).isEqualTo("process_cpu:cpu:nanoseconds:cpu:nanoseconds");
    assertThat(s.matchers()).containsExactly(Matcher.equal("service_name", "x"));
    assertThat(Selector.parse("memory:alloc_objects:count::").metricName()).isEqualTo("memory:alloc_objects:count::");
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
