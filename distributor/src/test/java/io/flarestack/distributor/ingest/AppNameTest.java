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
  void laterDuplicatesWinAndEmptyValuesAreDropped() {
    AppName n = AppName.parse("app{a=1,a=2,b=}");
    assertThat(n.labels()).containsExactly(Map.entry("a", "2"));
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
