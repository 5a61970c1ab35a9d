package io.flarestack.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.server.testing.FunctionStats;
import io.flarestack.server.testing.TestServer;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The built-in UI end to end: the real server (in process, ephemeral ports) with the ui module's
 * jar on the classpath, real profiles from the shared test data pushed through {@code /ingest}
 * with their time moved to now, and {@code ui/e2e/ui.test.mjs} driving Debian's Chromium through
 * playwright-core. What the page must show (the top function, the total, what a diff adds and
 * removes) is computed here from the input files, not from the server. Screenshots land in
 * {@code server/target/ui-screenshots/}. A missing node, Chromium or playwright-core fails.
 */
class WebUiIT {
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void browserShowsFlameGraphSearchDiffAndSharedUrls() throws Exception {
    long now = System.currentTimeMillis();
    Profile java = SharedTestData.pprof("java/cpu.pb.gz");
    push("java-app{env=e2e}", java, now - Duration.ofMinutes(20).toMillis());
    // Two Go CPU profiles of one service, half an hour apart: the diff page's default halves.
    Profile before = SharedTestData.pprof("go/cpu.pb.gz");
    Profile after = SharedTestData.pprof("go/cpu-after.pb.gz");
    push("go-app", before, now - Duration.ofMinutes(45).toMillis());
    push("go-app", after, now - Duration.ofMinutes(15).toMillis());

    Map<String, Long> javaSelf = FunctionStats.selfByFunction(java, PprofFacts.sampleType(java, "cpu", "nanoseconds"));
    String top = javaSelf.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    long total = javaSelf.values().stream().mapToLong(Long::longValue).sum();
    assertThat(top).matches("[\\w/$]+\\.[\\w$<>]+"); // a Java method, named as Pyroscope names Java frames
    String removed = onlyIn(before, after);
    String added = onlyIn(after, before);

    Path ui = uiDir();
    Path shots = Paths.get("target", "ui-screenshots").toAbsolutePath();
    Path log = Paths.get("target", "ui-e2e.log").toAbsolutePath();
    Files.createDirectories(shots);
    ProcessBuilder pb = new ProcessBuilder(node(), "--test", "--test-reporter=spec", "e2e/ui.test.mjs")
        .directory(ui.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("FLARESTACK_URL", server.baseUrl() + "/");
    env.put("UI_SCREENSHOTS", shots.toString());
    env.put("E2E_SERVICE", "java-app");
    env.put("E2E_TOP", top);
    env.put("E2E_TOTAL", Long.toString(total));
    env.put("E2E_DIFF_SERVICE", "go-app");
    env.put("E2E_DIFF_REMOVED", removed);
    env.put("E2E_DIFF_ADDED", added);
    Process p = pb.start();
    boolean finished = p.waitFor(180, TimeUnit.SECONDS);
    if (!finished) {
      p.destroyForcibly();
    }
    String output = Files.readString(log);
    System.out.println(output);
    assertThat(finished).as("the browser test finished within 180 s; output:%n%s", output).isTrue();
    assertThat(p.exitValue()).as("the browser test passed; output:%n%s", output).isZero();
    assertThat(shots.resolve("flamegraph.png")).isNotEmptyFile();
    assertThat(shots.resolve("diff.png")).isNotEmptyFile();
  }

  /** The first function by self value that one profile has and the other has nowhere. */
  private static String onlyIn(Profile p, Profile other) {
    Map<String, Long> self = FunctionStats.selfByFunction(p, PprofFacts.sampleType(p, "cpu", "nanoseconds"));
    Set<String> elsewhere = FunctionStats.allFunctions(other, PprofFacts.sampleType(other, "cpu", "nanoseconds"));
    return self.entrySet().stream().filter(e -> !elsewhere.contains(e.getKey()) && e.getValue() > 0)
        .max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
        .orElseThrow().getKey();
  }

  private void push(String name, Profile profile, long atMillis) throws Exception {
    HttpResponse<byte[]> r = server.post("/ingest?format=pprof&name=" + URLEncoder.encode(name, StandardCharsets.UTF_8),
        "application/octet-stream", PprofFacts.withTime(profile, atMillis * 1_000_000L).toByteArray());
    assertThat(r.statusCode()).as("push %s: %s", name, TestServer.text(r)).isEqualTo(200);
  }

  /** The ui module beside this one, with its browser test and installed node_modules. */
  static Path uiDir() {
    Path ui = Paths.get("").toAbsolutePath().getParent().resolve("ui");
    assertThat(ui.resolve("e2e/ui.test.mjs")).as("the ui module's browser test").exists();
    assertThat(ui.resolve("node_modules/playwright-core"))
        .as("playwright-core is not installed in %s: run npm ci there (the ui module's build does)", ui).exists();
    return ui;
  }

  static String node() throws IOException, InterruptedException {
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertThat(p.waitFor()).as("node --version: %s", v).isZero();
      return "node";
    } catch (IOException e) {
      throw new AssertionError("node is not on the PATH; the web UI's browser test needs Node.js 20.19+", e);
    }
  }
}
