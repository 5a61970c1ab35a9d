package io.flarestack.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real server ({@code io.flarestack.server.Main}) in a child JVM on the run-time classpath
 * (the module's classes plus {@code target/runtime-classpath.txt}: no test or provided jars, so
 * no Hadoop), or the packaged {@code flarestack.jar} ({@link #startJar}), with ephemeral ports.
 * The ports are read from the start-up log line.
 */
public final class ServerProcess implements AutoCloseable {
  private static final Pattern STARTED = Pattern.compile("started: targets=.* http=:(\\d+) grpc=:(\\d+)");

  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private int httpPort = -1;

  private final Thread reader;

  private ServerProcess(Process process) {
    this.process = process;
    reader = new Thread(this::readLog, "server-process-log");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts the server and waits until it logs that it started.
   *
   * @param shellPrefix a shell command run before {@code exec java} (e.g. {@code ulimit -f 200}),
   *     or null
   */
  public static ServerProcess start(List<String> args, String shellPrefix) throws IOException {
    return start(List.of("-Xmx512m", "-XX:+UseSerialGC"), args, shellPrefix);
  }

  /**
   * As {@link #start(List, String)} with other JVM options than the default {@code -Xmx512m
   * -XX:+UseSerialGC}.
   */
  public static ServerProcess start(List<String> jvmOptions, List<String> args, String shellPrefix) throws IOException {
    String classpath = Path.of("target", "classes").toAbsolutePath() + java.io.File.pathSeparator
        + Files.readString(Path.of("target", "runtime-classpath.txt")).trim();
    return start(List.of("-cp", classpath, "io.flarestack.server.Main"), jvmOptions, args, shellPrefix, null);
  }

  /**
   * Starts the built artefact as an operator would, {@code java -jar <jar>}, in
   * {@code workingDirectory}, and waits until it logs that it started.
   */
  public static ServerProcess startJar(Path jar, Path workingDirectory, List<String> args) throws IOException {
    return start(List.of("-jar", jar.toAbsolutePath().toString()), List.of("-Xmx512m", "-XX:+UseSerialGC"), args,
        null, workingDirectory);
  }

  private static ServerProcess start(List<String> main, List<String> jvmOptions, List<String> args, String shellPrefix,
      Path workingDirectory) throws IOException {
    List<String> java = new ArrayList<>();
    java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    java.addAll(jvmOptions);
    java.add("-Djava.net.preferIPv4Stack=true");
    java.addAll(main);
    java.addAll(List.of("-server.http-listen-port=0", "-server.grpc-listen-port=0"));
    java.addAll(args);
    List<String> command = java;
    if (shellPrefix != null) {
      StringBuilder sb = new StringBuilder(shellPrefix).append("; exec");
      for (String a : java) {
        sb.append(" '").append(a.replace("'", "'\\''")).append('\'');
      }
      command = List.of("bash", "-c", sb.toString());
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (workingDirectory != null) {
      builder.directory(workingDirectory.toFile());
    }
    Process p = builder.start();
    ServerProcess sp = new ServerProcess(p);
    sp.awaitStarted(Duration.ofSeconds(60));
    return sp;
  }

  public static ServerProcess start(List<String> args) throws IOException {
    return start(args, null);
  }

  private void readLog() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        synchronized (lines) {
          lines.add(line);
          Matcher m = STARTED.matcher(line);
          if (m.find()) {
            httpPort = Integer.parseInt(m.group(1));
          }
          lines.notifyAll();
        }
      }
    } catch (IOException e) {
      // The process went away.
    } finally {
      synchronized (lines) {
        lines.notifyAll();
      }
    }
  }

  private void awaitStarted(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lines) {
      while (httpPort < 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !process.isAlive() && httpPort < 0) {
          process.destroyForcibly();
          throw new IllegalStateException("server did not start (alive=" + process.isAlive() + "); log:\n" + log());
        }
        try {
          lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(left, 200_000_000L))));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
  }

  public int httpPort() {
    return httpPort;
  }

  /** The gRPC port, from the start-up log line. */
  public int grpcPort() {
    synchronized (lines) {
      for (String line : lines) {
        Matcher m = STARTED.matcher(line);
        if (m.find()) {
          return Integer.parseInt(m.group(2));
        }
      }
    }
    return -1;
  }

  public boolean isAlive() {
    return process.isAlive();
  }


  /** The resident set size of the process now (Linux's VmRSS), in bytes. */
  public long rssBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IOException("no VmRSS in /proc/" + process.pid() + "/status");
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** Everything the process logged so far. */
  public String log() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  /** SIGKILL: no shutdown hook, no flush, no clean close of anything. */
  public void kill() {
    process.destroyForcibly();
    await();
  }

  /** SIGTERM: the clean shutdown path; what the process logs while it stops is kept. */
  public void stop() {
    // Through kill(1): Process.destroy() would also close our end of the child's output, losing
    // what it logs while shutting down.
    try {
      int rc = new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor();
      if (rc != 0 && process.isAlive()) {
        throw new IllegalStateException("kill -TERM " + process.pid() + " failed with exit code " + rc);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    await();
    try {
      reader.join(10_000); // the rest of its log
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void await() {
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("server did not exit; log:\n" + log());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}
