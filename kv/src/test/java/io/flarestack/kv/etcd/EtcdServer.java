package io.flarestack.kv.etcd;

import io.flarestack.common.testing.Poll;
import io.flarestack.kv.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd server (Debian's {@code etcd-server}, binary {@code etcd}) for tests: one member on
 * free loopback ports with its data in a directory the test owns. {@link #start()} returns once
 * {@code /health} answers; {@link #stop()} ends the process by its PID. Not thread-safe.
 */
final class EtcdServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Path dataDir;
  private final int clientPort;
  private final int peerPort;
  private Process process;

  EtcdServer(Path dir) {
    this.dataDir = dir.resolve("etcd-data");
    int[] ports = FreePorts.take(2);
    this.clientPort = ports[0];
    this.peerPort = ports[1];
  }

  String endpoint() {
    return "http://127.0.0.1:" + clientPort;
  }

  /** Starts etcd (again, after {@link #stop()}, on the same ports and data) and waits until healthy. */
  EtcdServer start() throws IOException {
    String peer = "http://127.0.0.1:" + peerPort;
    Path log = dataDir.resolveSibling("etcd.log");
    Files.createDirectories(dataDir.getParent());
    process = new ProcessBuilder(List.of("etcd", "--name", "n1", "--data-dir", dataDir.toString(),
        "--listen-client-urls", endpoint(), "--advertise-client-urls", endpoint(),
        "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", "n1=" + peer))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest health = HttpRequest.newBuilder(URI.create(endpoint() + "/health")).timeout(Duration.ofSeconds(2))
        .build();
    Poll.until("etcd (pid " + process.pid() + ", log " + log + ") to answer /health", START_TIMEOUT,
        Duration.ofMillis(50), () -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("etcd exited with " + process.exitValue() + "; see " + log + ":\n"
                + Files.readString(log));
          }
          try {
            HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("\"health\":\"true\"");
          } catch (IOException e) {
            return false;
          }
        }, Boolean.TRUE::equals);
    return this;
  }

  /** Ends the process by its PID and waits for it to exit. */
  void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    ProcessHandle handle = process.toHandle();
    handle.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      handle.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
    process = null;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
