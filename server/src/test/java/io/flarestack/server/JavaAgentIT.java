package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.querier.v1.FlameGraph;
import io.flarestack.api.querier.v1.ProfileFormat;
import io.flarestack.api.querier.v1.SelectMergeStacktracesRequest;
import io.flarestack.common.testing.Poll;
import io.flarestack.server.agentapp.AgentWorkload;
import io.flarestack.server.testing.TestServer;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real pyroscope-java agent ({@code io.pyroscope:agent}, the version pinned in the parent
 * pom) in a child JVM running {@link AgentWorkload} against a whole Flarestack, uploading JFR
 * every 2 s with CPU (itimer), allocation and lock profiling, static labels and a dynamic label.
 * Once at least two uploads arrived, the application's profile types, its labels and the top of
 * its CPU flame graph are checked through the querier.
 */
class JavaAgentIT {
  private static final String APP = "agent-it.app";
  private static final String SELECTOR = "{service_name=\"" + APP + "\"}";
  private static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @TempDir
  Path tmp;
  private TestServer server;
  private Process agent;
  private Path log;
  private long startMillis;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start();
    startMillis = System.currentTimeMillis() - 60_000;
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (agent != null) {
      agent.destroy();
      if (!agent.waitFor(10, TimeUnit.SECONDS)) {
        agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void agentProfilesShowUpWithTheirLabelsAndTheBurningMethodOnTop() throws Exception {
    agent = startAgent();

    waitFor(DEADLINE, "two JFR uploads with CPU, allocation, mutex and block profiles arrived",
        () -> agentAlive() && jfrUploads() >= 2 && profileTypes().containsAll(List.of(CPU,
            "memory:alloc_in_new_tlab_objects:count:space:bytes", "memory:alloc_in_new_tlab_bytes:bytes:space:bytes",
            "mutex:contentions:count:mutex:count", "mutex:delay:nanoseconds:mutex:count",
            "block:contentions:count:block:count", "block:delay:nanoseconds:block:count")));

    assertThat(labelValues("pyroscope_spy")).containsExactly("javaspy");
    assertThat(labelValues("jfr_event")).containsExactly("itimer");
    assertThat(labelValues("env")).as("static label").containsExactly("it");
    assertThat(labelValues("team")).as("static label").containsExactly("flarestack");
    assertThat(labelValues("controller")).as("dynamic label").containsExactly("slow_controller");

    FlameGraph fg = JfrQueries.querier(server).selectMergeStacktraces(SelectMergeStacktracesRequest.newBuilder()
        .setProfileTypeID(CPU).setLabelSelector(SELECTOR).setStart(startMillis).setEnd(endMillis())
        .setFormat(ProfileFormat.PROFILE_FORMAT_FLAMEGRAPH).build()).getFlamegraph();
    assertThat(fg.getTotal()).isPositive();
    assertThat(topSelf(fg)).as("top self frame of %s", selfByName(fg)).isEqualTo(
        "io/flarestack/server/agentapp/AgentWorkload.burn");

    FlameGraph labelled = JfrQueries.querier(server).selectMergeStacktraces(SelectMergeStacktracesRequest.newBuilder()
        .setProfileTypeID(CPU).setLabelSelector("{service_name=\"" + APP + "\", controller=\"slow_controller\"}")
        .setStart(startMillis).setEnd(endMillis()).setFormat(ProfileFormat.PROFILE_FORMAT_FLAMEGRAPH).build())
        .getFlamegraph();
    assertThat(topSelf(labelled)).isEqualTo("io/flarestack/server/agentapp/AgentWorkload.burn");
  }

  private Process startAgent() throws IOException, URISyntaxException, ClassNotFoundException {
    Path agentJar = Path.of(Class.forName("io.pyroscope.javaagent.PyroscopeAgent", false,
        getClass().getClassLoader()).getProtectionDomain().getCodeSource().getLocation().toURI());
    Path classes = Path.of(AgentWorkload.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    log = tmp.resolve("agent.log");
    ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx256m", "-javaagent:" + agentJar,
        "-cp", classes.toString(), AgentWorkload.class.getName(), "300")
        .redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("PYROSCOPE_"));
    env.put("PYROSCOPE_SERVER_ADDRESS", server.baseUrl());
    env.put("PYROSCOPE_APPLICATION_NAME", APP);
    env.put("PYROSCOPE_UPLOAD_INTERVAL", "2s");
    env.put("PYROSCOPE_PROFILER_EVENT", "itimer");
    env.put("PYROSCOPE_PROFILER_ALLOC", "256k");
    env.put("PYROSCOPE_PROFILER_LOCK", "1ms");
    env.put("PYROSCOPE_LABELS", "env=it,team=flarestack");
    env.put("PYROSCOPE_LOG_LEVEL", "info");
    env.put("PYROSCOPE_TMP_DIR", tmp.toString());
    return pb.start();
  }

  private boolean agentAlive() {
    if (!agent.isAlive()) {
      throw new AssertionError("the agent's JVM exited with " + agent.exitValue() + ":\n" + logTail());
    }
    return true;
  }

  /** How many JFR uploads the distributor accepted for parsing, from its own metrics. */
  private long jfrUploads() {
    long n = 0;
    String metrics;
    try {
      metrics = TestServer.text(server.get("/metrics"));
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("GET /metrics failed", e);
    }
    for (String line : metrics.split("\n")) {
      if (line.startsWith("pyroscope_distributor_received_compressed_bytes_count{") && line.contains("type=\"jfr\"")) {
        n += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return n;
  }

  private List<String> profileTypes() {
    return labelValues("__profile_type__");
  }

  private List<String> labelValues(String name) {
    return JfrQueries.labelValues(server, name, SELECTOR, startMillis, endMillis());
  }

  /** Polls {@code condition} every 100 ms until it holds; fails at the deadline. */
  private static void waitFor(Duration deadline, String what, BooleanSupplier condition) {
    Poll.until(what, deadline, Duration.ofMillis(100), condition::getAsBoolean, Boolean.TRUE::equals);
  }

  private static long endMillis() {
    return System.currentTimeMillis() + 60_000;
  }

  /** Self values summed per function name; levels hold [x offset, total, self, name index] per node. */
  private static Map<String, Long> selfByName(FlameGraph fg) {
    Map<String, Long> self = new HashMap<>();
    for (var level : fg.getLevelsList()) {
      for (int i = 0; i + 3 < level.getValuesCount(); i += 4) {
        self.merge(fg.getNames((int) level.getValues(i + 3)), level.getValues(i + 2), Long::sum);
      }
    }
    return self;
  }

  private static String topSelf(FlameGraph fg) {
    List<Map.Entry<String, Long>> entries = new ArrayList<>(selfByName(fg).entrySet());
    entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    assertThat(entries).isNotEmpty();
    return entries.get(0).getKey();
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
