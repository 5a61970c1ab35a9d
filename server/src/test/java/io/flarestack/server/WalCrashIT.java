package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.common.testing.Poll;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.server.testing.Connect;
import io.flarestack.server.testing.Pushes;
import io.flarestack.server.testing.ServerProcess;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing acknowledged is lost: the real server in a child JVM takes concurrent pushes of real
 * profiles, is killed with SIGKILL while pushes are in flight, restarts on the same data
 * directory and answers every acknowledged push with exactly its input total.
 */
class WalCrashIT {
  private static final Profile GO = SharedTestData.pprof("go/cpu.pb.gz");
  private static final Profile JAVA = SharedTestData.pprof("java/cpu.pb.gz");

  @TempDir
  Path dataDir;

  private List<String> args() {
    return List.of("-pyroscopedb.data-path=" + dataDir, "-distributor.ingestion-rate-limit-mb=1000",
        "-distributor.ingestion-burst-size-mb=1000");
  }

  /** The profile pushed as {@code seq}, with its own time (so no two pushes share a timestamp). */
  private static Profile profile(long seq, long baseNanos) {
    Profile p = seq % 2 == 0 ? GO : JAVA;
    return p.toBuilder().setTimeNanos(baseNanos + seq * 1_000_000L).build();
  }

  private static long expectedCpu(long seq) {
    Profile p = seq % 2 == 0 ? GO : JAVA;
    return PprofFacts.total(p, PprofFacts.sampleType(p, "cpu"));
  }

  @Test
  void everyAcknowledgedPushSurvivesKill9() throws Exception {
    long base = System.currentTimeMillis() * 1_000_000L - 60_000_000_000L;
    Map<Long, Boolean> acknowledged = new ConcurrentHashMap<>();
    AtomicLong nextSeq = new AtomicLong();
    try (ServerProcess server = ServerProcess.start(args())) {
      Connect c = new Connect(server.baseUrl());
      int writers = 4;
      CountDownLatch enough = new CountDownLatch(40);
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        Thread t = new Thread(() -> {
          while (true) {
            long seq = nextSeq.getAndIncrement();
            try {
              Pushes.push(c, "crash-test", seq, profile(seq, base));
            } catch (RuntimeException e) {
              return; // the server is gone
            }
            acknowledged.put(seq, true);
            enough.countDown();
          }
        });
        t.setDaemon(true);
        t.start();
        threads.add(t);
      }
      assertThat(enough.await(60, TimeUnit.SECONDS)).as("40 pushes acknowledged").isTrue();
      server.kill(); // SIGKILL with pushes in flight
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(30));
      }
    }
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(40);

    try (ServerProcess server = ServerProcess.start(args())) {
      Connect c = new Connect(server.baseUrl());
      long end = System.currentTimeMillis() + 60_000;
      Map<String, Long> totals = Pushes.totalsBy(c, "{service_name=\"crash-test\"}", Pushes.CPU, "seq",
          base / 1_000_000L - 1000, end);
      for (long seq : acknowledged.keySet()) {
        assertThat(totals.get(Long.toString(seq))).as("push %d", seq).isEqualTo(expectedCpu(seq));
      }
      // A push in flight at the kill is either all there or not there at all.
      for (Map.Entry<String, Long> e : totals.entrySet()) {
        assertThat(e.getValue()).as("push %s", e.getKey()).isEqualTo(expectedCpu(Long.parseLong(e.getKey())));
      }
      assertThat(server.log()).contains("replayed");
    }
  }

  @Test
  void aKillWhileWindowsAreCutAndUploadedLosesAndDuplicatesNothing() throws Exception {
    // One-second windows cut right after they end: blocks are written, uploaded and log
    // segments deleted while pushes go on; the kill lands somewhere in that cycle.
    List<String> args = new ArrayList<>(args());
    args.addAll(List.of("-pyroscopedb.max-block-duration=1s", "-pyroscopedb.block-cut-delay=0s",
        "-pyroscopedb.wal-segment-size=64KiB", "-storage.filesystem.dir=" + dataDir.resolve("bucket"),
        "-blocks-storage.bucket-store.sync-interval=200ms"));
    long base = System.currentTimeMillis() * 1_000_000L;
    Map<Long, Boolean> acknowledged = new ConcurrentHashMap<>();
    try (ServerProcess server = ServerProcess.start(args)) {
      Connect c = new Connect(server.baseUrl());
      for (long seq = 0; seq < 60; seq++) {
        // Current times, so each push lands in the window open now.
        long now = System.currentTimeMillis() * 1_000_000L;
        Pushes.push(c, "cut-crash", seq, profile(seq, now - seq * 1_000_000L));
        acknowledged.put(seq, true);
      }
      awaitLog(server, "upload new block");
      server.kill();
    }
    try (ServerProcess server = ServerProcess.start(args)) {
      Map<String, Long> totals = Pushes.totalsBy(new Connect(server.baseUrl()), "{service_name=\"cut-crash\"}",
          Pushes.CPU, "seq", base / 1_000_000L - 60_000, System.currentTimeMillis() + 60_000);
      for (long seq : acknowledged.keySet()) {
        assertThat(totals.get(Long.toString(seq))).as("push %d", seq).isEqualTo(expectedCpu(seq));
      }
      assertThat(totals).hasSize(acknowledged.size());
    }
  }

  private static void awaitLog(ServerProcess server, String text) {
    Poll.until("the server to log \"" + text + "\"", Duration.ofSeconds(60), server::log, log -> log.contains(text));
  }

  @Test
  void fullDiskRejectsPushesWithoutShowingThePathAndKeepsWhatWasAcknowledged(@TempDir Path libDir) throws Exception {
    long base = System.currentTimeMillis() * 1_000_000L - 60_000_000_000L;
    List<Long> acknowledged = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    // Files may not grow past 24 KiB (below the smallest segment size): the log hits that limit
    // every few compressed records. zstd-jni would extract its 0.9 MB native library past that
    // limit, so the child gets an extracted copy, as a host with a read-only tmp does.
    Path zstd = extractZstdLibrary(libDir.resolve("libzstd-jni.so"));
    try (ServerProcess server = ServerProcess.start(args(),
        "export JAVA_TOOL_OPTIONS='-DZstdNativePath=" + zstd + "'; ulimit -f 24")) {
      Connect c = new Connect(server.baseUrl());
      for (long seq = 0; seq < 16; seq++) {
        try {
          Pushes.push(c, "full-disk", seq, profile(seq, base));
          acknowledged.add(seq);
        } catch (Connect.CallException e) {
          assertThat(e.status).isIn(503, 429);
          errors.add(e.getMessage());
        }
      }
      server.kill();
    }
    assertThat(errors).isNotEmpty();
    // The client learns the reason, not where the server keeps its files (D10; the path is logged).
    assertThat(errors).allSatisfy(m -> assertThat(m)
        .contains("write-ahead log: the write failed (File too large); the push was not stored, retry later")
        .doesNotContain(dataDir.toString()).doesNotContain(".wal"));
    assertThat(acknowledged).isNotEmpty();

    try (ServerProcess server = ServerProcess.start(args())) {
      Map<String, Long> totals = Pushes.totalsBy(new Connect(server.baseUrl()), "{service_name=\"full-disk\"}",
          Pushes.CPU, "seq", base / 1_000_000L - 1000, System.currentTimeMillis() + 60_000);
      for (long seq : acknowledged) {
        assertThat(totals.get(Long.toString(seq))).as("push %d", seq).isEqualTo(expectedCpu(seq));
      }
      assertThat(totals).hasSize(acknowledged.size());
    }
    assertThat(Files.list(dataDir.resolve("wal")).count()).isPositive();
  }

  @Test
  void aZstdLibraryThatDoesNotLoadStopsTheStartWithTheReason() {
    String missing = dataDir.resolve("no-such-libzstd-jni.so").toString();
    assertThatThrownBy(() -> ServerProcess.start(args(), "export JAVA_TOOL_OPTIONS='-DZstdNativePath=" + missing + "'")
        .close())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("server did not start")
        .hasMessageContaining("the zstd native library (zstd-jni) does not load")
        .hasMessageContaining(missing);
  }

  /** Copies zstd-jni's native library for this OS and architecture out of its jar. */
  private static Path extractZstdLibrary(Path target) throws Exception {
    String dir = "linux/" + System.getProperty("os.arch") + "/";
    try (JarFile jar = new JarFile(Path.of(Zstd.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .toFile())) {
      JarEntry lib = jar.stream().filter(e -> e.getName().startsWith(dir) && e.getName().endsWith(".so")).findFirst()
          .orElseThrow(() -> new AssertionError("zstd-jni has no native library under " + dir));
      try (InputStream in = jar.getInputStream(lib)) {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return target;
  }
}
