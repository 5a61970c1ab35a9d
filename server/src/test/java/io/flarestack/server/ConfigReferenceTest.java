package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is generated from the declared options and must not go stale. */
class ConfigReferenceTest {
  private static final Path DOC = Path.of("..", "docs", "configuration.md");

  @Test
  void documentedConfigurationMatchesTheCode() throws Exception {
    String expected = ConfigReference.markdown(FlarestackConfig.options());
    if (Boolean.getBoolean("docs.update")) {
      Files.writeString(DOC, expected);
    }
    assertThat(DOC).as("regenerate with ./mvnw -pl server -am verify -Ddocs.update=true").exists();
    assertThat(Files.readString(DOC)).isEqualTo(expected);
    assertThat(expected).contains("`server.http_listen_port`").contains("`-server.http-listen-port`").contains("`4040`");
    assertThat(expected).contains("| `compactor.data_dir` | `-compactor.data-dir` | string | `./data-compactor` | "
        + "**Accepted for compatibility; no effect yet: the compactor is not built yet.** Directory for temporary");
  }
}
