package io.flarestack.distributor.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppNameTest {
  @Test
  void nameWithoutLabels() {
    AppName n = AppName.parse("foo");
    assertThat(n.name()).isEqualTo("foo");
    assertThat(n.labels()).isEmpty();
  }

  @Test
  void labelsInOrderWithSpacesTrimmed() {
    AppName n = AppName.parse(" foo { bar = 1 , baz = 2 } ");
    assertThat(n.name()).isEqualTo("foo");
    assertThat(n.labels()).containsExactly(Map.entry("bar", "1"), Map.entry("baz", "2"));
  }

  @Test
  void valuesAreVerbatimIncludingQuotesAndSlashes() {
    AppName n = AppName.parse("node.app{otel.scope.name=com.grafana.pyroscope/nodejs,env=\"prod\",v=17.0.15+6-Debian}");
    assertThat(n.name()).isEqualTo("node.app");
    assertThat(n.labels()).containsExactly(Map.entry("otel.scope.name", "com.grafana.pyroscope/nodejs"),
        Map.entry("env", "\"prod\""), Map.entry("v", "17.0.15+6-Debian"));
  }

  @Test
  void appNamesMayHaveDashesAndSlashes() {
    assertThat(AppName.parse("team/my-app.cpu").name()).isEqualTo("team/my-app.cpu");
  }

  @Test
  void reservedKeysAreDroppedExceptSessionId() {
    AppName n = AppName.parse("app{__session_id__=s1,__name__=x,__other=y,service_name=svc}");
    assertThat(n.ingestionLabels()).containsExactly(Map.entry("__session_id__", "s1"), Map.entry("service_name", "svc"));
  }

  @Test
  void emptyValuesAreDropped() {
    AppName n = AppName.parse("app{a=1,b=}");
    assertThat(n.labels()).containsExactly(Map.entry("a", "1"));
  }

  @Test
  void emptyBracesAndATrailingCommaAreFine() {
    assertThat(AppName.parse("app{}").labels()).isEmpty();
    assertThat(AppName.parse("app{ }").labels()).isEmpty();
    assertThat(AppName.parse("app{a=1,}").labels()).containsExactly(Map.entry("a", "1"));
    assertThat(AppName.parse("app{a=1} ").labels()).containsExactly(Map.entry("a", "1"));
  }

  @Test
  void theNamesRealAgentsSendParse() {
    // captured/java-agent-2.9.2 (values with spaces, slashes and '+')
    AppName java = AppName.parse("burn.app{env=test,otel.scope.name=com.grafana.pyroscope/java,otel.scope.version=2.9.2,"
        + "process.runtime.name=OpenJDK Runtime Environment,process.runtime.version=17.0.15+6-Debian-1deb12u1,region=local}");
    assertThat(java.name()).isEqualTo("burn.app");
    assertThat(java.labels()).hasSize(6).containsEntry("process.runtime.name", "OpenJDK Runtime Environment");
    // captured/java-agent-0.11.5 and pyroscope-go (with a session id)
    assertThat(AppName.parse("ver.app.itimer").labels()).isEmpty();
    assertThat(AppName.parse("simple.golang.app.cpu{__session_id__=1a2b3c4d5e6f7a8b,env=prod}").labels()).hasSize(2);
    // a tab in a value is kept: only other control characters are refused
    assertThat(AppName.parse("app{a=x\ty}").labels()).containsExactly(Map.entry("a", "x\ty"));
  }

  @Test
  void brokenLabelSetsAreRefusedNamingTheProblem() {
    // the attack report's examples (D9)
    assertInvalid("fuzz.cpu{", "name: the label set is not closed with '}': fuzz.cpu{");
    assertInvalid("fuzz.cpu{env=a", "name: the label set is not closed with '}': fuzz.cpu{env=a");
    assertInvalid("fuzz.cpu{env=a}{b=c}", "name: unexpected text after the label set's closing '}': {b=c}");
    assertInvalid("fuzz.cpu{env=a}xxxxxxxxxx", "name: unexpected text after the label set's closing '}': xxxxxxxxxx");
    assertInvalid("fuzz.cpu{{{{{{", "name: the label set is not closed with '}'");
    assertInvalid("fuzz.cpu{{{{{{}", "name: label {{{{{ has no value");
    assertInvalid("app{env=a,env=b}", "name: label env is given twice: app{env=a,env=b}");
    assertInvalid("app{env=a,env=}", "name: label env is given twice");
    assertInvalid("..", "name: invalid service name: ..: a dot-separated part is empty");
    assertInvalid(".", "name: invalid service name: .: a dot-separated part is empty");
    assertInvalid("app..cpu", "name: invalid service name: app..cpu: a dot-separated part is empty");
    assertInvalid(".cpu", "name: invalid service name: .cpu: a dot-separated part is empty");
    assertInvalid("app{abc}", "name: label abc has no value (expected key=value)");
    assertInvalid("app{a=1,b}", "name: label b has no value");
    assertInvalid("app{,}", "name: the label set has an empty pair");
    assertInvalid("app{a=1,,b=2}", "name: the label set has an empty pair");
    assertInvalid("app{a b=1}", "name: invalid label name: a b: character is not allowed: ' '");
  }

  @Test
  void controlCharactersAndUndecodableBytesInValuesAreRefused() {
    assertInvalid("app{a=x\u0000y}", "name: the value of label a contains the control character U+0000");
    assertInvalid("app{a=x\ny}", "name: the value of label a contains the control character U+000A");
    assertInvalid("app{a=x\u001by}", "name: the value of label a contains the control character U+001B");
    // what the server's URL decoding makes of %FF
    assertInvalid("app{a=x\uFFFDy}", "name: the value of label a contains U+FFFD");
    assertInvalid("a\uFFFDb", "name: invalid service name: a\uFFFDb: character is not allowed: U+FFFD");
  }

  @Test
  void hugeNamesAreShortenedInTheMessage() {
    String huge = "app{a=" + "x".repeat(100_000);
    assertThatThrownBy(() -> AppName.parse(huge)).hasMessageContaining("(100006 characters)")
        .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(500));
  }

  @Test
  void profileIdIsDetected() {
    assertThat(AppName.parse("app{profile_id=abc}").hasProfileId()).isTrue();
    assertThat(AppName.parse("app{profile_id=}").hasProfileId()).isFalse();
    assertThat(AppName.parse("app").hasProfileId()).isFalse();
  }

  @Test
  void emptyOrInvalidNamesAreRejectedWithTheReason() {
    assertInvalid(null, "name: service name is required");
    assertInvalid("", "name: service name is required");
    assertInvalid("{a=1}", "name: service name is required");
    assertInvalid("my app", "name: invalid service name: my app: character is not allowed: ' '");
    assertInvalid("app{bad-key=1}", "name: invalid label name: bad-key: character is not allowed: '-'");
    assertInvalid("app{=1}", "name: label name is required");
  }

  private static void assertInvalid(String text, String message) {
    assertThatThrownBy(() -> AppName.parse(text))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageStartingWith(message);
  }
}
