package io.flarestack.common.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.Option;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerConfigTest {
  @Test
  void defaultsArePyroscopes() {
    ServerConfig d = ServerConfig.defaults();
    assertThat(d).isEqualTo(new ServerConfig("", 4040, "", 9095, 104857600, 104857600, Duration.ofSeconds(30),
        Duration.ofMinutes(2), false, 256L << 20, Duration.ofSeconds(30), Duration.ZERO, 0));
    Map<Option<?>, Object> values = new HashMap<>();
    for (Option<?> o : ServerConfig.options()) {
      values.put(o, o.defaultValue());
    }
    assertThat(ServerConfig.from(new ConfigValues(values))).isEqualTo(d);
  }

  @Test
  void optionsUsePyroscopesKeysAndFlags() {
    assertThat(ServerConfig.options()).extracting(Option::yamlPath).containsExactly("server.http_listen_address",
        "server.http_listen_port", "server.grpc_listen_address", "server.grpc_listen_port",
        "server.grpc_server_max_recv_msg_size", "server.grpc_server_max_send_msg_size", "server.graceful_shutdown_timeout",
        "server.http_server_idle_timeout", "server.http_server_read_timeout", "server.http_server_read_header_timeout",
        "server.max_inflight_request_bytes", "multitenancy_enabled");
    assertThat(ServerConfig.options()).extracting(Option::flag).containsExactly("server.http-listen-address",
        "server.http-listen-port", "server.grpc-listen-address", "server.grpc-listen-port",
        "server.grpc-max-recv-msg-size-bytes", "server.grpc-max-send-msg-size-bytes", "server.graceful-shutdown-timeout",
        "server.http-idle-timeout", "server.http-read-timeout", "server.http-read-header-timeout",
        "server.max-inflight-request-bytes", "auth.multitenancy-enabled");
    assertThat(ServerConfig.options()).allSatisfy(o -> assertThat(o.help()).isNotBlank());
  }

  @Test
  void everyOptionIsRead() {
    Map<Option<?>, Object> values = new HashMap<>();
    values.put(ServerConfig.HTTP_LISTEN_ADDRESS, "127.0.0.1");
    values.put(ServerConfig.HTTP_LISTEN_PORT, 8080);
    values.put(ServerConfig.GRPC_LISTEN_ADDRESS, "10.0.0.1");
    values.put(ServerConfig.GRPC_LISTEN_PORT, 9000);
    values.put(ServerConfig.GRPC_MAX_RECV_MSG_SIZE, 1000);
    values.put(ServerConfig.GRPC_MAX_SEND_MSG_SIZE, 2000);
    values.put(ServerConfig.GRACEFUL_SHUTDOWN_TIMEOUT, Duration.ofSeconds(5));
    values.put(ServerConfig.HTTP_IDLE_TIMEOUT, Duration.ofSeconds(7));
    values.put(ServerConfig.HTTP_READ_TIMEOUT, Duration.ofSeconds(11));
    values.put(ServerConfig.HTTP_READ_HEADER_TIMEOUT, Duration.ofSeconds(3));
    values.put(ServerConfig.MAX_INFLIGHT_REQUEST_BYTES, 1L << 30);
    values.put(ServerConfig.MULTITENANCY_ENABLED, true);
    ServerConfig c = ServerConfig.from(new ConfigValues(values)).withMaxRequestBytes(12345);
    assertThat(c).isEqualTo(new ServerConfig("127.0.0.1", 8080, "10.0.0.1", 9000, 1000, 2000, Duration.ofSeconds(5),
        Duration.ofSeconds(7), true, 12345, Duration.ofSeconds(11), Duration.ofSeconds(3), 1L << 30));
    assertThat(c.effectiveReadHeaderTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.effectiveMaxInflightRequestBytes()).isEqualTo(1L << 30);
    ServerConfig d = ServerConfig.defaults();
    assertThat(d.effectiveReadHeaderTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.effectiveMaxInflightRequestBytes()).isEqualTo(Runtime.getRuntime().maxMemory() / 4);
  }

  @Test
  void rejectsImpossibleValuesAndClampsTheBodyLimit() {
    assertThatThrownBy(() -> ServerConfig.defaults().withPorts(70000, 0))
        .hasMessageContaining("server.http-listen-port").hasMessageContaining("70000");
    assertThatThrownBy(() -> ServerConfig.defaults().withMaxRequestBytes(0)).hasMessageContaining("maxRequestBytes");
    assertThat(ServerConfig.defaults().withMaxRequestBytes(Long.MAX_VALUE).maxRequestBytes())
        .isEqualTo(ServerConfig.MAX_BODY_BYTES);
  }
}
