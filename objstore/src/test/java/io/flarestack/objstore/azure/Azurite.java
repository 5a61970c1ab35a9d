package io.flarestack.objstore.azure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Azurite's blob service as a child process on a free loopback port, in memory, from the
 * repository's {@code node_modules} (installed by {@code npm ci}, see {@code .ci/run}).
 */
final class Azurite implements AutoCloseable {
  /** Azurite's documented development account. */
  static final String ACCOUNT = "devstoreaccount1";
  static final String KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final int port;
  private final StringBuffer output = new StringBuffer();

  private Azurite(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts Azurite and waits until its port accepts connections.
   *
   * @throws IllegalStateException when Azurite is not installed, exits, or does not listen in time
   */
  static Azurite start() throws IOException, InterruptedException {
    Path root = repositoryRoot();
    Path bin = root.resolve("node_modules/.bin/azurite-blob");
    if (!Files.isRegularFile(bin)) {
      throw new IllegalStateException("Azurite is not installed: " + bin + " is missing; run `npm ci` in " + root
          + " (.ci/run does)");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Process process = new ProcessBuilder(List.of("node", bin.toString(), "--blobHost", "127.0.0.1",
        "--blobPort", Integer.toString(port), "--inMemoryPersistence", "--skipApiVersionCheck", "--loose",
        "--disableTelemetry", "--extentMemoryLimit", "256", "--silent"))
        .directory(root.toFile())
        .redirectErrorStream(true)
        .start();
    Azurite azurite = new Azurite(process, port);
    azurite.awaitListening();
    return azurite;
  }

  int port() {
    return port;
  }

  /** The connection string of the development account on this instance. */
  String connectionString() {
    return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY + ";BlobEndpoint=http://127.0.0.1:"
        + port + "/" + ACCOUNT + ";";
  }

  private void awaitListening() throws InterruptedException {
    CompletableFuture<Void> listening = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          output.append(line).append('\n');
          if (line.contains("successfully listens")) {
            listening.complete(null);
          }
        }
      } catch (IOException e) {
        listening.completeExceptionally(e);
      }
      listening.completeExceptionally(new IllegalStateException("Azurite exited"));
    }, "azurite-output");
    reader.setDaemon(true);
    reader.start();
    process.onExit().thenRun(() -> listening.completeExceptionally(new IllegalStateException("Azurite exited")));
    try {
      listening.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      }
    } catch (ExecutionException | TimeoutException | IOException e) {
      close();
      throw new IllegalStateException("Azurite did not start listening on port " + port + " within " + START_TIMEOUT
          + " (" + e + "); its output:\n" + output, e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** The directory holding {@code package.json} and {@code mvnw}, above the working directory. */
  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("package.json")) && Files.isRegularFile(p.resolve("mvnw"))) {
        return p;
      }
    }
    throw new IllegalStateException("no package.json next to mvnw above " + Path.of("").toAbsolutePath());
  }
}
