package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.config.ConfigException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(List.of(args), Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void everyConfigurationProblemIsReportedAtOnceAndTheExitCodeIsNonZero(@TempDir Path dir) throws Exception {
    Path yaml = dir.resolve("flarestack.yaml");
    Files.writeString(yaml, """
        server:
          http_listen_prot: 4040
        limits:
          max_query_length: forever
        """);
    int code = run("-config.file=" + yaml, "-target=all,nonsense", "-server.grpc-listen-port=70000", "-no.such-flag=1");
    String e = err.toString(StandardCharsets.UTF_8);
    assertThat(code).isEqualTo(1);
    assertThat(e)
        .contains("http_listen_prot").contains("http_listen_port") // unknown key with a suggestion
        .contains("forever") // bad duration
        .contains("no.such-flag") // unknown flag
        .contains("nonsense") // unknown module
        .contains("70000"); // port out of range
  }

  @Test
  void defaultsThenYamlThenFlags(@TempDir Path dir) throws Exception {
    Path yaml = dir.resolve("flarestack.yaml");
    Files.writeString(yaml, """
        server:
          http_listen_port: 5050
          grpc_listen_port: 9999
        limits:
          max_query_length: ${QUERY_LENGTH:-36h}
        """);
    FlarestackConfig c = FlarestackConfig.load(
        List.of("-config.file=" + yaml, "-config.expand-env=true", "-server.grpc-listen-port=7070"), Map.of());
    assertThat(c.server().httpListenPort()).isEqualTo(5050);
    assertThat(c.server().grpcListenPort()).isEqualTo(7070);
    assertThat(c.limits().maxQueryLength()).isEqualTo(Duration.ofHours(36));
    assertThat(c.limits().maxLabelNamesPerSeries()).isEqualTo(30);
    assertThat(c.targets()).containsExactly("all");

    FlarestackConfig fromEnv = FlarestackConfig.load(List.of("-config.file=" + yaml, "-config.expand-env=true"),
        Map.of("QUERY_LENGTH", "2d"));
    assertThat(fromEnv.limits().maxQueryLength()).isEqualTo(Duration.ofDays(2));
  }

  @Test
  void theExampleConfigurationLoads() throws Exception {
    FlarestackConfig c = FlarestackConfig.load(List.of("-config.file=../deploy/flarestack.yaml"), Map.of());
    assertThat(c.server().httpListenPort()).isEqualTo(4040);
    assertThat(c.limits().maxProfileSizeBytes()).isEqualTo(4L << 20);
  }

  @Test
  void modulesThatCannotRunYetAreRejectedWithTheReason() {
    assertThatThrownBy(() -> FlarestackConfig.load(List.of("-target=query-frontend"), Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e ->
            assertThat(e.problems()).singleElement().asString().contains("query-frontend").contains("cannot run yet"));
    assertThatThrownBy(() -> FlarestackConfig.load(List.of("-ring.store=etcd"), Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e ->
            assertThat(e.problems()).singleElement().asString().contains("etcd"));
  }

  @Test
  void badIngesterShardingValuesAreRejectedNamingTheFlag() {
    assertThatThrownBy(() -> FlarestackConfig.load(List.of("-distributor.ingester-sharding=tenant",
        "-distributor.service-shard-target-rate-mb=-1", "-distributor.service-shard-tracked-services=0",
        "-distributor.ingestion-tenant-shard-size=-2"), Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(4)
            .anySatisfy(p -> assertThat(p).contains("-distributor.ingester-sharding").contains("\"tenant\"")
                .contains("use service or series"))
            .anySatisfy(p -> assertThat(p).contains("-distributor.service-shard-target-rate-mb").contains("-1"))
            .anySatisfy(p -> assertThat(p).contains("-distributor.service-shard-tracked-services").contains("got 0"))
            .anySatisfy(p -> assertThat(p).contains("-distributor.ingestion-tenant-shard-size").contains("got -2")));
  }

  @Test
  void informationalFlags() {
    assertThat(run("-help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("-server.http-listen-port").contains("(default 4040)")
        .contains("-auth.multitenancy-enabled").contains("-target");
    out.reset();
    assertThat(run("-modules")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("all").contains("ingester *").contains("store-gateway *")
        .contains("compactor *\n").contains("query-scheduler *\n").contains("query-frontend\n");
    out.reset();
    assertThat(run("-version")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("flarestack, version ");
  }

  /** The options nothing reads yet, found by reading the code (each is read into no running component). */
  private static final List<String> WITHOUT_EFFECT = List.of("compactor.block-ranges", "compactor.compaction-interval",
      "compactor.data-dir", "query-frontend.scheduler-worker-concurrency",
      "query-scheduler.max-outstanding-requests-per-tenant", "blocks-storage.bucket-store.sync-dir");

  @Test
  void helpMarksEveryOptionThatHasNoEffectYetAndNoOther() {
    assertThat(run("-help")).isZero();
    String help = out.toString(StandardCharsets.UTF_8);
    List<String> marked = new java.util.ArrayList<>();
    // Each entry is "  -flag [type]\n    \thelp"; collect the flags whose help carries the mark.
    String[] lines = help.split("\n");
    for (int i = 0; i + 1 < lines.length; i++) {
      if (lines[i].startsWith("  -") && lines[i + 1].startsWith("    \t[accepted for compatibility; no effect yet: ")) {
        marked.add(lines[i].substring(3).split(" ")[0]);
      }
    }
    assertThat(marked).containsExactlyInAnyOrderElementsOf(WITHOUT_EFFECT);
    assertThat(help).contains("  -compactor.data-dir string\n    \t[accepted for compatibility; no effect yet: the compactor"
        + " is not built yet] Directory for temporary files during compaction");
  }

  @Test
  void eachOptionWithoutEffectThatIsSetIsWarnedAboutWithTheReason(@TempDir Path dir) throws Exception {
    Path yaml = dir.resolve("flarestack.yaml");
    Files.writeString(yaml, """
        compactor:
          compaction_interval: 30m
        store_gateway:
          bucket_store:
            sync_interval: 1m
        """);
    FlarestackConfig c = FlarestackConfig.load(List.of("-config.file=" + yaml, "-compactor.data-dir=/scratch",
        "-blocks-storage.bucket-store.sync-dir=/sync", "-querier.max-concurrent=2"), Map.of());

    assertThat(Main.noEffectWarnings(c.values())).containsExactlyInAnyOrder(
        "-compactor.compaction-interval (compactor.compaction_interval) is set but has no effect yet (it is accepted"
            + " for compatibility with Pyroscope): the compactor is not built yet",
        "-compactor.data-dir (compactor.data_dir) is set but has no effect yet (it is accepted for compatibility with"
            + " Pyroscope): the compactor is not built yet",
        "-blocks-storage.bucket-store.sync-dir (store_gateway.bucket_store.sync_dir) is set but has no effect yet (it"
            + " is accepted for compatibility with Pyroscope): nothing is synchronised to local disk; blocks are read"
            + " from the bucket with ranged reads");
    assertThat(Main.noEffectWarnings(FlarestackConfig.load(List.of(), Map.of()).values())).isEmpty();
  }
}
