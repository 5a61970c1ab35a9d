package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.common.testing.Poll;
import io.flarestack.server.testing.Connect;
import io.flarestack.server.testing.Pushes;
import io.flarestack.server.testing.ServerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The artefact the build packages, started as an operator or a container image would:
 * {@code java -jar .../target/flarestack.jar} in an empty working directory, with no flags but the
 * ports. It must come up, keep its data under that directory, take a push and answer a query
 * (the WAL compresses with zstd, whose native library comes from a jar in {@code lib/}), and
 * serve the web UI's files from the UI jar. Runs after {@code package} (failsafe).
 */
class RunnableJarIT {
  private static final Path JAR = Path.of("target", "flarestack.jar").toAbsolutePath();
  private static final Pattern SCRIPT = Pattern.compile("assets/[^\"']+\\.js");

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void theManifestNamesTheMainClassAndEveryJarItNeedsBesideIt() throws IOException {
    assertThat(JAR).as("the packaged jar (this test runs after the package phase)").isRegularFile();
    try (JarFile jar = new JarFile(JAR.toFile())) {
      Attributes main = jar.getManifest().getMainAttributes();
      assertThat(main.getValue(Attributes.Name.MAIN_CLASS)).isEqualTo(Main.class.getName());
      List<String> classPath = List.of(main.getValue(Attributes.Name.CLASS_PATH).split(" "));
      assertThat(classPath).anyMatch(e -> e.startsWith("lib/zstd-jni-")).anyMatch(e -> e.startsWith("lib/flarestack-ui-"))
          .anyMatch(e -> e.startsWith("lib/flarestack-common-"));
      for (String entry : classPath) {
        assertThat(JAR.resolveSibling(entry)).as("Class-Path entry %s", entry).isRegularFile();
      }
    }
  }

  @Test
  void startsFromAnyWorkingDirectoryWithItsDataThere(@TempDir Path workingDirectory) throws Exception {
    assertThat(JAR).as("the packaged jar (this test runs after the package phase)").isRegularFile();
    long now = System.currentTimeMillis();
    try (ServerProcess server = ServerProcess.startJar(JAR, workingDirectory, List.of("-compactor.data-dir=/scratch"))) {
      Poll.until("the jar's server to answer 200 on /ready", Duration.ofSeconds(60),
          () -> get(server, "/ready").statusCode(), status -> status == 200);

      // Pyroscope's defaults, relative to the working directory: the ingester's data (locked at
      // start) under ./data, the filesystem bucket under ./data/shared.
      assertThat(workingDirectory.resolve("data")).isDirectory();
      assertThat(workingDirectory.resolve("data").resolve("shared")).isDirectory();

      // 40 samples at 100 Hz: 40 × 10 ms of CPU.
      HttpResponse<String> ingest = http.send(HttpRequest.newBuilder(
              URI.create(server.baseUrl() + "/ingest?name=jar-it.cpu&sampleRate=100"))
          .POST(HttpRequest.BodyPublishers.ofString("main;handler;encode 30\nmain;gc 10\n")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ingest.statusCode()).as(ingest.body()).isEqualTo(200);
      assertThat(Pushes.totalsBy(new Connect(server.baseUrl()), "{service_name=\"jar-it\"}", Pushes.CPU, "service_name",
          now - 3_600_000, now + 60_000)).isEqualTo(Map.of("jar-it", 400_000_000L));
      // The push is in the write-ahead log under ./data/wal.
      try (Stream<Path> wal = Files.list(workingDirectory.resolve("data").resolve("wal"))) {
        assertThat(wal.filter(p -> p.getFileName().toString().endsWith(".wal")).mapToLong(RunnableJarIT::size).sum())
            .as("bytes in the write-ahead log under the working directory").isPositive();
      }

      assertServesTheUiFromItsJar(server);

      // Start-up names the option set above that has no effect yet, and says why.
      assertThat(server.log()).contains("-compactor.data-dir (compactor.data_dir) is set but has no effect yet")
          .contains("the compactor is not built yet");
    }
  }

  /** {@code /} and a script it loads are the files of the UI jar in {@code lib/}; without a built UI, the note. */
  private void assertServesTheUiFromItsJar(ServerProcess server) throws Exception {
    Path uiJar;
    try (Stream<Path> lib = Files.list(JAR.resolveSibling("lib"))) {
      uiJar = lib.filter(p -> p.getFileName().toString().startsWith("flarestack-ui-")).findFirst().orElseThrow();
    }
    HttpResponse<String> index = get(server, "/");
    try (JarFile jar = new JarFile(uiJar.toFile())) {
      JarEntry indexEntry = jar.getJarEntry("flarestack-ui/index.html");
      if (indexEntry == null) {
        // Built with -Dui.skip: the server says so instead.
        assertThat(index.statusCode()).isEqualTo(404);
        assertThat(index.body()).contains("The web UI is not part of this build");
        return;
      }
      assertThat(index.statusCode()).isEqualTo(200);
      String packed = new String(jar.getInputStream(indexEntry).readAllBytes(), StandardCharsets.UTF_8);
      List<String> scripts = new ArrayList<>();
      Matcher m = SCRIPT.matcher(packed);
      while (m.find()) {
        scripts.add(m.group());
      }
      assertThat(scripts).as("scripts in the packed index.html").isNotEmpty();
      assertThat(index.body()).contains(scripts);
      byte[] script = jar.getInputStream(jar.getJarEntry("flarestack-ui/" + scripts.get(0))).readAllBytes();
      HttpResponse<byte[]> served = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/" + scripts.get(0)))
          .build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(served.statusCode()).isEqualTo(200);
      assertThat(served.body()).isEqualTo(script);
    }
  }

  private HttpResponse<String> get(ServerProcess server, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
