package io.flarestack.common.config;

import static io.flarestack.common.config.TestOptions.ALL;
import static io.flarestack.common.config.TestOptions.HEARTBEAT;
import static io.flarestack.common.config.TestOptions.HTTP_ADDRESS;
import static io.flarestack.common.config.TestOptions.HTTP_PORT;
import static io.flarestack.common.config.TestOptions.INGESTION_RATE;
import static io.flarestack.common.config.TestOptions.JOIN;
import static io.flarestack.common.config.TestOptions.MAX_PROFILE_SIZE;
import static io.flarestack.common.config.TestOptions.MULTITENANCY;
import static io.flarestack.common.config.TestOptions.ROW_GROUP_SIZE;
import static io.flarestack.common.config.TestOptions.S3_SECRET;
import static io.flarestack.common.config.TestOptions.TLS_CERT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigYamlTest {
  @TempDir
  Path dir;

  @Test
  void rendersNestedSortedKeysAndLeavesFlagOnlyOptionsOut() throws Exception {
    ConfigValues v = ConfigLoader.load(ALL, List.of("-server.http-listen-port=8080", "-memberlist.join=a:1,b:2",
        "-ingester.heartbeat-period=90s", "-help"), Map.of());

    String yaml = ConfigYaml.render(ALL, v);

    assertThat(yaml).isEqualTo("""
        ingester:
          lifecycler:
            heartbeat_period: 1m30s
        limits:
          ingestion_rate_mb: 4.0
          max_profile_size_bytes: 4194304
        memberlist:
          join_members:
          - a:1
          - b:2
        multitenancy_enabled: false
        pyroscopedb:
          row_group_target_size: 1342177280
        server:
          http_listen_address: ""
          http_listen_port: 8080
          http_tls_config:
            cert: ""
        storage:
          s3:
            secret_access_key: ""
        """);
    assertThat(yaml).doesNotContain("help", "expand", "config.file");
  }

  @Test
  void nonEmptySecretsAreMasked() throws Exception {
    ConfigValues v = ConfigLoader.load(ALL, List.of("-storage.s3.secret-access-key=AKIAsupersecret"), Map.of());

    String yaml = ConfigYaml.render(ALL, v);

    assertThat(v.get(S3_SECRET)).isEqualTo("AKIAsupersecret");
    assertThat(yaml).contains("secret_access_key: '********'").doesNotContain("AKIAsupersecret");
    Option<String> secretWithDefault = new Option<>("s.key", "s.key", ValueTypes.STRING, "default-secret", "A key.")
        .asSecret();
    assertThat(ConfigHelp.render(List.of(secretWithDefault)))
        .contains("(default \"********\")").doesNotContain("default-secret");
  }

  @Test
  void rendersDefaults() {
    String yaml = ConfigYaml.renderDefaults(List.of(HTTP_PORT, HEARTBEAT, JOIN));

    assertThat(yaml).isEqualTo("""
        ingester:
          lifecycler:
            heartbeat_period: 5s
        memberlist:
          join_members: []
        server:
          http_listen_port: 4040
        """);
  }

  @Test
  void renderedConfigLoadsBackToTheSameValues() throws Exception {
    ConfigValues original = ConfigLoader.load(ALL, List.of(), Map.of())
        .with(HTTP_PORT, 9999)
        .with(HTTP_ADDRESS, "a: b # not a comment")
        .with(ROW_GROUP_SIZE, 5_000_000_000L)
        .with(INGESTION_RATE, 0.125)
        .with(MULTITENANCY, true)
        .with(HEARTBEAT, Duration.ofMillis(1500))
        .with(MAX_PROFILE_SIZE, 3L << 30)
        .with(JOIN, List.of("dns+memberlist:7946", "true", "1.50", "null"))
        .with(TLS_CERT, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");

    Path file = dir.resolve("rendered.yaml");
    Files.writeString(file, ConfigYaml.render(ALL, original));
    ConfigValues reloaded = ConfigLoader.load(ALL, List.of("-config.file=" + file), Map.of());

    assertThat(reloaded.with(ConfigLoader.CONFIG_FILE, "")).isEqualTo(original);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.50", "true", "no", "", "null", "~", "#x", "- item", "'quoted'", "0x10", "{a}", "4040"})
  void stringsThatLookLikeOtherYamlSurviveTheRoundTrip(String tricky) throws Exception {
    ConfigValues original = ConfigLoader.load(ALL, List.of(), Map.of()).with(HTTP_ADDRESS, tricky);

    Path file = dir.resolve("tricky.yaml");
    Files.writeString(file, ConfigYaml.render(ALL, original));

    assertThat(ConfigLoader.load(ALL, List.of("-config.file=" + file), Map.of()).get(HTTP_ADDRESS)).isEqualTo(tricky);
  }
}
