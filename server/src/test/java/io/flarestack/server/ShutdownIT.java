package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The binary in a child JVM: it starts, serves, and on SIGTERM stops every service in order. */
class ShutdownIT {
  private static final Pattern STARTED = Pattern.compile("started: targets=\\[all] http=:(\\d+) grpc=:(\\d+)");

  @Test
  void sigtermStopsEveryServiceAndReleasesThePorts() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.flarestack.server.Main",
        "-server.http-listen-port=0", "-server.grpc-listen-port=0").redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    CompletableFuture<int[]> ports = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (lines) {
            lines.add(line);
          }
          Matcher m = STARTED.matcher(line);
          if (m.find()) {
            ports.complete(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
          }
        }
      } catch (java.io.IOException e) {
        ports.completeExceptionally(e);
      }
      ports.completeExceptionally(new AssertionError("the process ended before it started"));
    });
    reader.start();
    try {
      int[] bound = ports.get(60, TimeUnit.SECONDS);
      HttpResponse<String> ready = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bound[0] + "/ready")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);

      // SIGTERM through kill(1): Process.destroy() would also close our end of the child's output,
      // losing what it logs while shutting down.
      assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor()).isZero();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);
      String log;
      synchronized (lines) {
        log = String.join("\n", lines);
      }
      // 143 = terminated by SIGTERM after the shutdown hook ran.
      assertThat(p.exitValue()).as(log).isEqualTo(143);
      assertThat(log).contains("received shutdown signal");
      assertThat(log.indexOf("stopping service querier")).isLessThan(log.indexOf("stopping service ingester"));
      assertThat(log.indexOf("stopping service distributor")).isLessThan(log.indexOf("stopping service ingester"));
      assertThat(log.indexOf("stopping service ingester")).isLessThan(log.indexOf("stopping service server"));
      for (int port : bound) {
        try (Socket s = new Socket("127.0.0.1", port)) {
          throw new AssertionError("port " + port + " still accepts connections");
        } catch (ConnectException expected) {
          // released
        }
      }
    } finally {
      p.destroyForcibly();
    }
  }
}
