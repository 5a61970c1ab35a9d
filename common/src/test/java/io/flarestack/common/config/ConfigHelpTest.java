package io.flarestack.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigHelpTest {
  @Test
  void rendersLikeGoFlagPackageSortedWithBuiltins() {
    String help = ConfigHelp.render(TestOptions.ALL);

    // Expected text written out by hand in the format of Go's flag.PrintDefaults.
    assertThat(help).isEqualTo("""
          -auth.multitenancy-enabled
            \tWhen set to true, incoming HTTP requests must specify tenant ID in HTTP X-Scope-OrgId header.
          -config.expand-env
            \tExpands ${var} or $var in config according to the values of the environment variables.
          -config.file string
            \tConfiguration file to load.
          -distributor.ingestion-rate-limit-mb float
            \tPer-tenant ingestion rate limit in MB/s. (default 4)
          -help
            \tPrint basic help.
          -ingester.heartbeat-period duration
            \tPeriod at which to heartbeat to the ring. (default 5s)
          -memberlist.join comma-separated-list-of-strings
            \tOther cluster members to join.
          -pyroscopedb.row-group-target-size int
            \tHow big a row group may grow. (default 1342177280)
          -server.http-listen-address string
            \tHTTP server listen address.
          -server.http-listen-port int
            \tHTTP server listen port. (default 4040)
          -storage.s3.secret-access-key string
            \tS3 secret access key.
          -validation.max-profile-size-bytes int
            \tMaximum size of a profile in bytes. (default 4194304)
        """);
  }

  @Test
  void printsNonZeroDefaultsOfEveryKind() {
    List<Option<?>> options = List.of(
        Option.string(null, "log.level", "info", "Only log messages with the given severity or above."),
        Option.bool(null, "server.register-instrumentation", true, "Register the instrumentation handlers."),
        Option.duration(null, "querier.max-query-length", Duration.ofDays(1), "Longest query."),
        Option.stringList(null, "compactor.block-ranges", List.of("1h", "2h", "8h"), "Block ranges."),
        Option.doubleValue(null, "retention.min-free", 0.05, "Free disk share.\nSecond line."),
        Option.string(null, "z", "a \"quoted\" value", "Single letter."));

    assertThat(ConfigHelp.render(options)).contains(
        "  -log.level string\n    \tOnly log messages with the given severity or above. (default \"info\")\n",
        "  -server.register-instrumentation\n    \tRegister the instrumentation handlers. (default true)\n",
        "  -querier.max-query-length duration\n    \tLongest query. (default 24h0m0s)\n",
        "  -compactor.block-ranges comma-separated-list-of-strings\n    \tBlock ranges. (default 1h,2h,8h)\n",
        "  -retention.min-free float\n    \tFree disk share.\n    \tSecond line. (default 0.05)\n",
        "  -z string\n    \tSingle letter. (default \"a \\\"quoted\\\" value\")\n");
  }

  @Test
  void anOptionWithoutEffectSaysSoBeforeItsHelp() {
    List<Option<?>> options = List.of(Option.string(null, "compactor.data-dir", "./data-compactor",
        "Directory for temporary files.").withNoEffectYet("the compactor is not built yet"));

    assertThat(ConfigHelp.render(options)).contains("  -compactor.data-dir string\n    \t"
        + "[accepted for compatibility; no effect yet: the compactor is not built yet] Directory for temporary files."
        + " (default \"./data-compactor\")\n");
  }
}
