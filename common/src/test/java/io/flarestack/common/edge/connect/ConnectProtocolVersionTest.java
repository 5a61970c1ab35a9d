package io.flarestack.common.edge.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectProtocolVersionTest {
  @Test
  void absentOrOneIsAccepted() {
    assertThatCode(() -> ConnectProtocolVersion.check(List.of())).doesNotThrowAnyException(); // pyroscope-rs
    assertThatCode(() -> ConnectProtocolVersion.check(List.of("1"))).doesNotThrowAnyException(); // connect-go
    assertThatCode(() -> ConnectProtocolVersion.check(request())).doesNotThrowAnyException();
  }

  @Test
  void anyOtherVersionIsRefusedNamingIt() {
    for (String bad : new String[] {"7", "", "2", "1.0", "v1"}) {
      assertThatThrownBy(() -> ConnectProtocolVersion.check(request(bad)))
          .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
          .hasMessage("Connect-Protocol-Version must be \"1\": got \"" + bad + "\"");
    }
    assertThatThrownBy(() -> ConnectProtocolVersion.check(request("1", "7"))).hasMessageContaining("got \"7\"");
    assertThatThrownBy(() -> ConnectProtocolVersion.check(List.of("9".repeat(1000))))
        .hasMessageContaining("got \"" + "9".repeat(32) + "...\"");
  }

  private static HttpRequest request(String... versions) {
    return new HttpRequest("POST", "/push.v1.PusherService/Push", Map.of(),
        versions.length == 0 ? Map.of() : Map.of("connect-protocol-version", List.of(versions)), new byte[0]);
  }
}
