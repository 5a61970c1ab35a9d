package io.flarestack.common.config;

import static io.flarestack.common.config.TestOptions.ALL;
import static io.flarestack.common.config.TestOptions.HEARTBEAT;
import static io.flarestack.common.config.TestOptions.HELP;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {
  @TempDir
  Path dir;

  @Test
  void defaultsWhenNothingIsSet() throws Exception {
    ConfigValues v = load(List.of());

    assertThat(v.get(HTTP_PORT)).isEqualTo(4040);
    assertThat(v.get(HTTP_ADDRESS)).isEmpty();
    assertThat(v.get(HEARTBEAT)).isEqualTo(Duration.ofSeconds(5));
    assertThat(v.get(MAX_PROFILE_SIZE)).isEqualTo(4194304L);
    assertThat(v.get(JOIN)).isEmpty();
    assertThat(v.get(MULTITENANCY)).isFalse();
    assertThat(v.get(ConfigLoader.CONFIG_FILE)).isEmpty();
    assertThat(v.get(ConfigLoader.CONFIG_EXPAND_ENV)).isFalse();
  }

  static Stream<Arguments> precedenceCases() {
    return Stream.of(
        Arguments.of(HTTP_PORT, "server:\n  http_listen_port: 8080\n", 8080, "-server.http-listen-port=9090", 9090),
        Arguments.of(HTTP_ADDRESS, "server:\n  http_listen_address: 10.0.0.1\n", "10.0.0.1",
            "-server.http-listen-address=127.0.0.1", "127.0.0.1"),
        Arguments.of(ROW_GROUP_SIZE, "pyroscopedb:\n  row_group_target_size: 5000000000\n", 5000000000L,
            "-pyroscopedb.row-group-target-size=7", 7L),
        Arguments.of(INGESTION_RATE, "limits:\n  ingestion_rate_mb: 0.5\n", 0.5,
            "-distributor.ingestion-rate-limit-mb=12.25", 12.25),
        Arguments.of(MULTITENANCY, "multitenancy_enabled: true\n", true, "-auth.multitenancy-enabled=false", false),
        Arguments.of(HEARTBEAT, "ingester:\n  lifecycler:\n    heartbeat_period: 1m\n", Duration.ofMinutes(1),
            "-ingester.heartbeat-period=250ms", Duration.ofMillis(250)),
        Arguments.of(MAX_PROFILE_SIZE, "limits:\n  max_profile_size_bytes: 1KiB\n", 1024L,
            "-validation.max-profile-size-bytes=2KB", 2000L),
        Arguments.of(JOIN, "memberlist:\n  join_members: [a:7946]\n", List.of("a:7946"),
            "-memberlist.join=b:7946,c:7946", List.of("b:7946", "c:7946")));
  }

  @ParameterizedTest
  @MethodSource("precedenceCases")
  void yamlOverridesDefaultAndFlagOverridesYaml(Option<?> option, String yaml, Object fromYaml, String flag,
      Object fromFlag) throws Exception {
    Path file = write(yaml);

    assertThat(load(List.of()).get(option)).isEqualTo(option.defaultValue());
    assertThat(load(List.of("-config.file=" + file)).get(option)).isEqualTo(fromYaml).isNotEqualTo(option.defaultValue());
    assertThat(load(List.of("-config.file=" + file, flag)).get(option)).isEqualTo(fromFlag).isNotEqualTo(fromYaml);
    // A flag wins whatever its position relative to -config.file.
    assertThat(load(List.of(flag, "-config.file=" + file)).get(option)).isEqualTo(fromFlag);
  }

  @Test
  void everyProblemIsReportedInOneException() throws Exception {
    Path file = write("""
        server:
          http_listen_prot: 8080
          http_listen_port: eighty
        ingester:
          lifecycler:
            heartbeat_period: 5 seconds
        """);

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(List.of("-config.file=" + file,
        "-server.http-lisen-address=x", "-validation.max-profile-size-bytes=4 megs")));

    assertThat(e.problems()).hasSize(5);
    assertThat(e.problems()).anySatisfy(p -> assertThat(p)
        .contains("unknown flag -server.http-lisen-address", "did you mean -server.http-listen-address?"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p)
        .contains("-validation.max-profile-size-bytes", "\"4 megs\"", "use B, KB, MB, GB, KiB, MiB, GiB"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p)
        .contains(file.toString(), "unknown key server.http_listen_prot", "did you mean server.http_listen_port?"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p)
        .contains(file.toString(), "server.http_listen_port", "\"eighty\"", "expected an integer"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p)
        .contains("ingester.lifecycler.heartbeat_period", "\"5 seconds\"", "use ns, us, ms, s, m, h"));
    assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems()));
  }

  @ParameterizedTest
  @CsvSource({"15s, 15000", "1h30m, 5400000", "500ms, 500", "1.5s, 1500", "0, 0"})
  void durationsInYamlAndFlags(String text, long millis) throws Exception {
    Path file = write("ingester:\n  lifecycler:\n    heartbeat_period: " + text + "\n");

    assertThat(load(List.of("-config.file=" + file)).get(HEARTBEAT)).isEqualTo(Duration.ofMillis(millis));
    assertThat(load(List.of("-ingester.heartbeat-period=" + text)).get(HEARTBEAT)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @CsvSource({"4MiB, 4194304", "256MB, 256000000", "4194304, 4194304", "1GiB, 1073741824"})
  void byteSizesInYamlAndFlags(String text, long bytes) throws Exception {
    Path file = write("limits:\n  max_profile_size_bytes: " + text + "\n");

    assertThat(load(List.of("-config.file=" + file)).get(MAX_PROFILE_SIZE)).isEqualTo(bytes);
    assertThat(load(List.of("-validation.max-profile-size-bytes", text)).get(MAX_PROFILE_SIZE)).isEqualTo(bytes);
  }

  @Test
  void listsFromYamlSequencesAndCommaFlags() throws Exception {
    Path block = write("memberlist:\n  join_members:\n    - dns+pyroscope-memberlist:7946\n    - 10.0.0.2:7946\n");
    Path comma = write("memberlist:\n  join_members: a:1, b:2\n");

    assertThat(load(List.of("-config.file=" + block)).get(JOIN))
        .containsExactly("dns+pyroscope-memberlist:7946", "10.0.0.2:7946");
    assertThat(load(List.of("-config.file=" + comma)).get(JOIN)).containsExactly("a:1", "b:2");
    assertThat(load(List.of("-memberlist.join=x:1,y:2")).get(JOIN)).containsExactly("x:1", "y:2");
    // Go's repeatable list flags append; the flags still replace the file's list as a whole.
    assertThat(load(List.of("-config.file=" + block, "-memberlist.join=x:1", "-memberlist.join", "y:2")).get(JOIN))
        .containsExactly("x:1", "y:2");
  }

  @Test
  void expandsEnvironmentVariablesWhenAsked() throws Exception {
    Path file = write("""
        server:
          http_listen_port: ${PORT}
          http_listen_address: ${ADDRESS:-0.0.0.0}
        storage:
          s3:
            secret_access_key: p$$ss-${UNDEFINED}-$SUFFIX
        memberlist:
          join_members: ${EMPTY:-fallback:7946}
        """);
    Map<String, String> env = Map.of("PORT", "4100", "SUFFIX", "end", "EMPTY", "");

    ConfigValues v = ConfigLoader.load(ALL, List.of("-config.file=" + file, "-config.expand-env"), env);

    assertThat(v.get(HTTP_PORT)).isEqualTo(4100);
    assertThat(v.get(HTTP_ADDRESS)).isEqualTo("0.0.0.0");
    assertThat(v.get(S3_SECRET)).isEqualTo("p$ss--end");
    assertThat(v.get(JOIN)).containsExactly("fallback:7946");
    assertThat(v.get(ConfigLoader.CONFIG_EXPAND_ENV)).isTrue();

    ConfigValues withDefaultSet = ConfigLoader.load(ALL,
        List.of("-config.file=" + file, "-config.expand-env=true"), Map.of("PORT", "1", "ADDRESS", "10.1.1.1"));
    assertThat(withDefaultSet.get(HTTP_ADDRESS)).isEqualTo("10.1.1.1");
  }

  @Test
  void leavesVariablesAloneWithoutExpandEnv() throws Exception {
    Path file = write("server:\n  http_listen_address: ${ADDRESS:-0.0.0.0}\n");

    ConfigValues v = ConfigLoader.load(ALL, List.of("-config.file=" + file), Map.of("ADDRESS", "10.1.1.1"));

    assertThat(v.get(HTTP_ADDRESS)).isEqualTo("${ADDRESS:-0.0.0.0}");
  }

  @Test
  void unterminatedVariableIsAProblem() throws Exception {
    Path file = write("server:\n  http_listen_address: x\n  http_listen_port: ${PORT\n");

    assertThatThrownBy(() -> load(List.of("-config.file=" + file, "-config.expand-env")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unterminated ${ at line 3");
  }

  @Test
  void bareBooleanFlagMeansTrue() throws Exception {
    assertThat(load(List.of("-auth.multitenancy-enabled")).get(MULTITENANCY)).isTrue();
    assertThat(load(List.of("--auth.multitenancy-enabled")).get(MULTITENANCY)).isTrue();
    assertThat(load(List.of("-auth.multitenancy-enabled=false")).get(MULTITENANCY)).isFalse();
    assertThat(load(List.of("-help")).get(HELP)).isTrue();
  }

  @Test
  void bareBooleanFlagDoesNotTakeTheNextArgument() {
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> load(List.of("-auth.multitenancy-enabled", "false")));

    assertThat(e.problems()).singleElement().asString()
        .contains("unexpected argument \"false\"", "-name=false");
  }

  @Test
  void flagValueMayFollowAsTheNextArgument() throws Exception {
    ConfigValues v = load(List.of("-server.http-listen-port", "7070", "--server.http-listen-address", "::1",
        "-distributor.ingestion-rate-limit-mb", "-1"));

    assertThat(v.get(HTTP_PORT)).isEqualTo(7070);
    assertThat(v.get(HTTP_ADDRESS)).isEqualTo("::1");
    assertThat(v.get(INGESTION_RATE)).isEqualTo(-1.0);
  }

  @Test
  void flagMissingItsValueIsAProblem() {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(List.of("-server.http-listen-port")));

    assertThat(e.problems()).containsExactly("flag needs an argument: -server.http-listen-port expects a int");
  }

  @Test
  void lastOfARepeatedScalarFlagWins() throws Exception {
    assertThat(load(List.of("-server.http-listen-port=1", "-server.http-listen-port=2")).get(HTTP_PORT)).isEqualTo(2);
  }

  @Test
  void nullYamlValueKeepsTheDefault() throws Exception {
    Path file = write("server:\n  http_listen_port:\n  http_listen_address: ~\nmemberlist:\n");

    ConfigValues v = load(List.of("-config.file=" + file));

    assertThat(v.get(HTTP_PORT)).isEqualTo(4040);
    assertThat(v.get(HTTP_ADDRESS)).isEmpty();
  }

  @Test
  void emptyFileSetsNothing() throws Exception {
    Path file = write("# only a comment\n");

    assertThat(load(List.of("-config.file=" + file))).isEqualTo(load(List.of("-config.file=" + file)));
    assertThat(load(List.of("-config.file=" + file)).get(HTTP_PORT)).isEqualTo(4040);
  }

  @Test
  void yamlOnlyOptionIsReadFromTheFile() throws Exception {
    Path file = write("server:\n  http_tls_config:\n    cert: PEM\n");

    assertThat(load(List.of("-config.file=" + file)).get(TLS_CERT)).isEqualTo("PEM");
  }

  @Test
  void documentThatIsNotAMappingIsAProblem() throws Exception {
    Path list = write("- server\n- limits\n");
    Path scalar = write("just text\n");

    assertThat(problems(List.of("-config.file=" + list))).singleElement().asString()
        .contains(list.toString(), "must be a mapping", "got a list");
    assertThat(problems(List.of("-config.file=" + scalar))).singleElement().asString()
        .contains(scalar.toString(), "must be a mapping", "\"just text\"");
  }

  @Test
  void valueWhereAMappingBelongsIsAProblem() throws Exception {
    Path file = write("server: 4040\n");

    assertThat(problems(List.of("-config.file=" + file))).singleElement().asString()
        .contains("key server must be a mapping", "\"4040\"");
  }

  @Test
  void unreadableFileIsAProblem() {
    Path missing = dir.resolve("missing.yaml");

    assertThat(problems(List.of("-config.file=" + missing))).containsExactly(
        "cannot read config file \"" + missing + "\": no such file");
  }

  @Test
  void malformedYamlNamesTheLine() throws Exception {
    Path file = write("server:\n  http_listen_port: [8080\n");

    assertThat(problems(List.of("-config.file=" + file))).singleElement().asString()
        .contains(file.toString(), "is not valid YAML", "line ");
  }

  @Test
  void duplicateKeysAreAProblem() throws Exception {
    Path file = write("server:\n  http_listen_port: 1\n  http_listen_port: 2\n");

    assertThat(problems(List.of("-config.file=" + file))).singleElement().asString()
        .contains("http_listen_port", "Duplicate");
  }

  @Test
  void suggestsAKnownKeyUnderItsRealParent() throws Exception {
    Path file = write("http_listen_port: 8080\nsever:\n  http_listen_port: 1\nbogus_block:\n  x: 1\n");

    List<String> problems = problems(List.of("-config.file=" + file));

    assertThat(problems).hasSize(3);
    assertThat(problems.get(0)).endsWith("unknown key http_listen_port (did you mean server.http_listen_port?)");
    assertThat(problems.get(1)).endsWith("unknown key sever (did you mean server?)");
    assertThat(problems.get(2)).endsWith("unknown key bogus_block");
  }

  @Test
  void positionalArgumentsAndBadSyntaxAreProblems() {
    assertThat(problems(List.of("target=all", "---x", "-", "--", "rest"))).containsExactly(
        "unexpected argument \"target=all\": only flags are accepted (a boolean flag takes its value as -name=false)",
        "bad flag syntax: ---x",
        "unexpected argument \"-\": only flags are accepted (a boolean flag takes its value as -name=false)",
        "unexpected argument \"rest\": only flags are accepted");
  }

  @Test
  void duplicateDeclarationsAreAProgrammingError() {
    Option<Integer> clash = Option.integer("other.port", "server.http-listen-port", 1, "x");

    assertThatThrownBy(() -> ConfigLoader.load(List.of(HTTP_PORT, clash), List.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("server.http-listen-port");
  }

  @Test
  void remembersWhichOptionsTheFileOrAFlagSetEvenToTheirDefault() throws Exception {
    Path file = write("""
        server:
          http_listen_port: 4040
        ingester:
          lifecycler:
            heartbeat_period:
        """);

    ConfigValues v = load(List.of("-config.file=" + file, "-validation.max-profile-size-bytes=1MiB"));

    assertThat(v.isSet(HTTP_PORT)).as("set in the file to its default").isTrue();
    assertThat(v.isSet(MAX_PROFILE_SIZE)).as("set by a flag").isTrue();
    assertThat(v.isSet(HEARTBEAT)).as("a key without a value keeps the default and sets nothing").isFalse();
    assertThat(v.isSet(ROW_GROUP_SIZE)).isFalse();
    assertThat(v.with(ROW_GROUP_SIZE, 1L).isSet(ROW_GROUP_SIZE)).isTrue();
  }

  @Test
  void listsTheOptionsThatWereSetButHaveNoEffectYet() throws Exception {
    Option<String> scratch = Option.string("compactor.data_dir", "compactor.data-dir", "./c", "Scratch directory.")
        .withNoEffectYet("the compactor is not built yet");
    Option<Integer> rf = Option.integer("store_gateway.replication_factor", "store-gateway.replication-factor", 1,
        "Replication.").withNoEffectYet("one store-gateway serves every block");
    Option<Integer> unset = Option.integer("frontend.workers", "frontend.workers", 5, "Workers.")
        .withNoEffectYet("no frontend yet");
    List<Option<?>> options = new ArrayList<>(ALL);
    options.addAll(List.of(scratch, rf, unset));
    Path file = write("store_gateway:\n  replication_factor: 1\n");

    ConfigValues v = ConfigLoader.load(options,
        List.of("-config.file=" + file, "-compactor.data-dir=/scratch", "-server.http-listen-port=1"), Map.of());

    assertThat(v.setWithoutEffect()).containsExactly(scratch, rf);
    assertThat(ConfigLoader.load(options, List.of(), Map.of()).setWithoutEffect()).isEmpty();
  }

  @Test
  void anOptionWithoutEffectCarriesItsReason() {
    Option<Integer> rf = Option.integer("a.b", "a.b", 1, "Replication.").withNoEffectYet("one instance serves all");

    assertThat(HTTP_PORT.hasEffect()).isTrue();
    assertThat(HTTP_PORT.noEffectNote()).isNull();
    assertThat(HTTP_PORT.describeHelp()).isEqualTo("HTTP server listen port.");
    assertThat(rf.hasEffect()).isFalse();
    assertThat(rf.noEffectNote()).isEqualTo("accepted for compatibility; no effect yet: one instance serves all");
    assertThat(rf.describeHelp())
        .isEqualTo("[accepted for compatibility; no effect yet: one instance serves all] Replication.");
    assertThat(rf.asSecret().noEffectYet()).isEqualTo("one instance serves all");
    assertThatThrownBy(() -> Option.integer("a.b", "a.b", 1, "x").withNoEffectYet(" "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private Path write(String yaml) throws IOException {
    Path file = Files.createTempFile(dir, "config", ".yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private static ConfigValues load(List<String> args) throws ConfigException {
    return ConfigLoader.load(ALL, args, Map.of());
  }

  private static List<String> problems(List<String> args) {
    try {
      load(args);
    } catch (ConfigException e) {
      return e.problems();
    }
    return new ArrayList<>();
  }
}
