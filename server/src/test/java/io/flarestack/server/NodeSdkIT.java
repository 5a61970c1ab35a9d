package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.querier.v1.ProfileTypesRequest;
import io.flarestack.api.types.v1.LabelValuesRequest;
import io.flarestack.api.types.v1.ProfileType;
import io.flarestack.common.testing.PprofFacts;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real @pyroscope/nodejs 0.6.4 SDK ({@code .ci/run} installs it into {@code it/node}) in a
 * child {@code node} process: wall (with CPU time) and heap profiles, {@code wrapWithLabels}
 * around a CPU-burning {@code fib}, several 1.5 s flush intervals, then {@code stop()}. The
 * server must then list its wall and heap profile types, the {@code vehicle} label values, and
 * {@code fib} as the top function of the CPU-time flame graph. Missing {@code node} or SDK fails
 * the test with the command that installs them.
 */
class NodeSdkIT {
  private static final String INSTALL = "install Node.js (Debian: apt-get install nodejs npm) and the SDK "
      + "(cd it/node && npm install --no-audit --no-fund --no-package-lock), as .ci/run does";

  @Test
  void realSdkSendsWallAndHeapWithLabels() throws Exception {
    Path sdkDir = repoRoot().resolve("it/node/node_modules");
    Path sdkPackage = sdkDir.resolve("@pyroscope/nodejs/package.json");
    if (!Files.isRegularFile(sdkPackage)) {
      fail("@pyroscope/nodejs is not installed at " + sdkPackage + ": " + INSTALL);
    }
    assertThat(Files.readString(sdkPackage)).as("the pinned SDK version").contains("\"version\": \"0.6.4\"");
    Path script = Paths.get(NodeSdkIT.class.getResource("/node/burn.js").toURI());
    String app = "node-it-" + UUID.randomUUID().toString().substring(0, 8);

    try (DialectServer server = DialectServer.start()) {
      long start = System.currentTimeMillis();
      ProcessBuilder pb = new ProcessBuilder("node", script.toString()).redirectErrorStream(true);
      pb.environment().put("NODE_PATH", sdkDir.toString());
      pb.environment().put("FLARESTACK_URL", "http://127.0.0.1:" + server.httpPort());
      pb.environment().put("APP_NAME", app);
      pb.environment().put("RUN_MILLIS", "5000");
      pb.environment().put("DEBUG", "pyroscope");
      Process node;
      try {
        node = pb.start();
      } catch (IOException e) {
        throw new AssertionError("cannot run node: " + e.getMessage() + "; " + INSTALL, e);
      }
      byte[] out = node.getInputStream().readAllBytes();
      assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
      String log = new String(out, StandardCharsets.UTF_8);
      assertThat(node.exitValue()).as(log).isZero();
      assertThat(log).contains("burn.js done");
      long end = System.currentTimeMillis() + 60_000;
      String selector = "{service_name=\"" + app + "\"}";

      List<String> types = server.querier().profileTypes(ProfileTypesRequest.newBuilder()
          .setStart(start - 60_000).setEnd(end).build()).getProfileTypesList().stream().map(ProfileType::getID).toList();
      assertThat(types).contains("wall:wall:nanoseconds:wall:nanoseconds", "wall:cpu:nanoseconds:wall:nanoseconds",
          "memory:inuse_space:bytes:inuse_space:bytes", "memory:inuse_objects:count:inuse_space:bytes");

      List<String> vehicles = server.querier().labelValues(LabelValuesRequest.newBuilder().setName("vehicle")
          .addMatchers(selector).setStart(start - 60_000).setEnd(end).build()).getNamesList();
      assertThat(vehicles).contains("car", "bike");

      Profile cpu = server.mergeProfile("wall:cpu:nanoseconds:wall:nanoseconds", selector, start - 60_000, end);
      assertThat(topSelfFunction(cpu)).contains("fib");
      Profile car = server.mergeProfile("wall:cpu:nanoseconds:wall:nanoseconds",
          "{service_name=\"" + app + "\", vehicle=\"car\"}", start - 60_000, end);
      assertThat(PprofFacts.total(car, 0)).isPositive().isLessThan(PprofFacts.total(cpu, 0));
      Profile heap = server.mergeProfile("memory:inuse_space:bytes:inuse_space:bytes", selector, start - 60_000, end);
      assertThat(PprofFacts.total(heap, 0)).isPositive();
    }
  }

  private static String topSelfFunction(Profile p) {
    Map<String, Long> self = new HashMap<>();
    for (Map.Entry<String, Long> e : PprofFacts.collapsed(p, 0).entrySet()) {
      String stack = e.getKey();
      self.merge(stack.substring(stack.lastIndexOf(';') + 1), e.getValue(), Long::sum);
    }
    return self.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("(none)");
  }

  private static Path repoRoot() throws URISyntaxException {
    for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("it/node/package.json"))) {
        return d;
      }
    }
    throw new IllegalStateException("it/node/package.json not found above " + Paths.get("").toAbsolutePath());
  }
}
