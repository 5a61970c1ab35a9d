package io.flarestack.server.testing;

import io.flarestack.common.testing.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Flarestack cluster of separate JVMs on loopback, as {@code deploy/local-cluster} starts one:
 * each member is the real server ({@link ServerProcess}) with its own {@code -target}, instance
 * id, data directory and memberlist port, all joined to the first member's memberlist port and
 * sharing one filesystem bucket. Members can be killed ({@code kill -9}), stopped (SIGTERM) and
 * restarted on the same data directory and memberlist port, which is what the cluster tests do.
 *
 * <p>Not thread-safe: one test thread drives it. {@link #close()} kills whatever still runs.
 */
public final class LocalCluster implements AutoCloseable {
  private final Path dir;
  private final List<String> commonArgs;
  private final Map<String, Member> members = new LinkedHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private int seedPort = -1;

  /**
   * @param dir where the members' data directories and the shared bucket go
   * @param commonArgs flags every member gets (e.g. {@code -distributor.replication-factor=3})
   */
  public LocalCluster(Path dir, List<String> commonArgs) {
    this.dir = dir;
    this.commonArgs = List.copyOf(commonArgs);
  }

  private record Member(String name, String target, int memberlistPort, List<String> extraArgs, ServerProcess process) {
    Member with(ServerProcess p) {
      return new Member(name, target, memberlistPort, extraArgs, p);
    }
  }

  /** Starts a member named {@code name} running {@code target}; the first member started is the memberlist seed. */
  public ServerProcess start(String name, String target, String... extraArgs) {
    if (members.containsKey(name)) {
      throw new IllegalArgumentException("member " + name + " exists; use restart");
    }
    int port = freePort();
    if (seedPort < 0) {
      seedPort = port;
    }
    Member m = new Member(name, target, port, List.of(extraArgs), null);
    Member started = m.with(launch(m));
    members.put(name, started);
    return started.process();
  }

  /** The member's process (the latest one after a restart). */
  public ServerProcess member(String name) {
    Member m = members.get(name);
    if (m == null) {
      throw new IllegalArgumentException("no member " + name);
    }
    return m.process();
  }

  /** Every member's name, in start order. */
  public List<String> names() {
    return List.copyOf(members.keySet());
  }

  /** SIGKILL: no shutdown, no flush; the member stays in the rings until forgotten or back. */
  public void kill(String name) {
    member(name).kill();
  }

  /** SIGTERM: the member leaves cleanly (an ingester flushes its head into blocks first). */
  public void stop(String name) {
    member(name).stop();
  }

  /** Starts a stopped or killed member again with the same id, data directory and memberlist port. */
  public ServerProcess restart(String name) {
    Member m = members.get(name);
    if (m.process().isAlive()) {
      throw new IllegalStateException("member " + name + " still runs");
    }
    Member restarted = m.with(launch(m));
    members.put(name, restarted);
    return restarted.process();
  }

  /** Polls every running member's {@code /ready} until all answer 200. */
  public void awaitReady(Duration timeout) {
    for (Member m : members.values()) {
      if (m.process().isAlive()) {
        awaitReady(m.name(), timeout);
      }
    }
  }

  /** Polls one member's {@code /ready} until it answers 200. */
  public void awaitReady(String name, Duration timeout) {
    ServerProcess p = member(name);
    Poll.until(name + " to answer 200 on /ready", timeout, Duration.ofMillis(100), () -> readyStatus(p),
        s -> s == 200);
  }

  private int readyStatus(ServerProcess p) throws InterruptedException {
    if (!p.isAlive()) {
      throw new IllegalStateException("member exited; log:\n" + p.log());
    }
    try {
      return http.send(HttpRequest.newBuilder(URI.create(p.baseUrl() + "/ready")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  private ServerProcess launch(Member m) {
    Path data = dir.resolve(m.name());
    try {
      Files.createDirectories(data);
      Files.createDirectories(dir.resolve("bucket"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> args = new ArrayList<>();
    args.add("-target=" + m.target());
    args.add("-memberlist.bind-addr=127.0.0.1");
    args.add("-memberlist.bind-port=" + m.memberlistPort());
    args.add("-memberlist.join=127.0.0.1:" + seedPort);
    args.add("-memberlist.node-name=" + m.name());
    // On one host every ring's default instance id (the host name) would collide.
    args.add("-ingester.lifecycler.ID=" + m.name());
    args.add("-distributor.ring.instance-id=" + m.name());
    args.add("-store-gateway.sharding-ring.instance-id=" + m.name());
    args.add("-compactor.ring.instance-id=" + m.name());
    args.add("-query-scheduler.ring.instance-id=" + m.name());
    args.add("-pyroscopedb.data-path=" + data.resolve("data"));
    args.add("-storage.backend=filesystem");
    args.add("-storage.filesystem.dir=" + dir.resolve("bucket"));
    args.addAll(commonArgs);
    args.addAll(m.extraArgs());
    try {
      return ServerProcess.start(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), args, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    for (Member m : members.values()) {
      m.process().close();
    }
  }
}
