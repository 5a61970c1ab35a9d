package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.querier.v1.SelectMergeStacktracesRequest;
import io.flarestack.api.querier.v1.SelectMergeStacktracesResponse;
import io.flarestack.common.testing.Poll;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.server.testing.Connect;
import io.flarestack.server.testing.LocalCluster;
import io.flarestack.server.testing.Pushes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication factor 3 across separate JVMs: three ingesters, a distributor and a querier. Every
 * push goes to three ingesters and is acknowledged on two; the querier counts each profile once
 * although three ingesters hold it. Killing one ingester ({@code kill -9}) under load loses no
 * acknowledged push and fails none, before and after it comes back with its WAL (and without the
 * pushes it missed while down). A rolling restart of every ingester (SIGTERM, restart) under load
 * fails no push, and afterwards heads, local blocks and the replicas' uploaded blocks, read
 * through a store-gateway, still count each profile once.
 */
class ReplicationIT {
  private static final Profile GO = SharedTestData.pprof("go/cpu.pb.gz");
  private static final long TOTAL = PprofFacts.total(GO, PprofFacts.sampleType(GO, "cpu"));

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  /** Pushes one profile per sequence number from a background thread, recording the outcomes. */
  private static final class Load implements AutoCloseable {
    final Queue<Long> acknowledged = new ConcurrentLinkedQueue<>();
    final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong next = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    Load(Connect distributor, long baseNanos) {
      thread = new Thread(() -> {
        while (running.get()) {
          long seq = next.getAndIncrement();
          try {
            Pushes.push(distributor, "svc-" + seq % 7, seq, GO.toBuilder().setTimeNanos(baseNanos + seq * 1_000_000L).build());
            acknowledged.add(seq);
          } catch (RuntimeException e) {
            failures.add(seq + ": " + e.getMessage());
          }
        }
      }, "load");
      thread.start();
    }

    long sent() {
      return next.get();
    }

    boolean running() {
      return thread.isAlive();
    }

    /** Waits until {@code more} further pushes were acknowledged. */
    void awaitMore(int more) {
      int target = acknowledged.size() + more;
      Poll.until(more + " more acknowledged pushes", Duration.ofSeconds(60), Duration.ofMillis(20),
          acknowledged::size, n -> n >= target);
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(Duration.ofSeconds(30).toMillis());
    }
  }

  @Test
  void killingOneOfThreeIngestersUnderLoadLosesNothing() throws Exception {
    try (LocalCluster cluster = new LocalCluster(dir, List.of("-distributor.replication-factor=3",
        "-distributor.ingestion-rate-limit-mb=1000", "-distributor.ingestion-burst-size-mb=1000"))) {
      for (String i : List.of("ingester-1", "ingester-2", "ingester-3")) {
        cluster.start(i, "ingester");
      }
      cluster.start("distributor-1", "distributor");
      cluster.start("querier-1", "querier");
      cluster.awaitReady(Duration.ofSeconds(60));
      Connect distributor = new Connect(cluster.member("distributor-1").baseUrl());
      Connect querier = new Connect(cluster.member("querier-1").baseUrl());
      awaitRingOf(querier, cluster, 3);

      long baseNanos = System.currentTimeMillis() * 1_000_000L - 600_000_000_000L;
      long startMs = baseNanos / 1_000_000L - 1000;
      Load load = new Load(distributor, baseNanos);
      try (load) {
        load.awaitMore(30);
        assertExact(querier, load, startMs, "before the kill");
        cluster.kill("ingester-2");
        load.awaitMore(30); // pushes go on with two of three replicas
        assertExact(querier, load, startMs, "with ingester-2 killed");
        cluster.restart("ingester-2");
        cluster.awaitReady("ingester-2", Duration.ofSeconds(60));
        load.awaitMore(30);
      }
      assertThat(load.failures).as("pushes answered with an error").isEmpty();
      // Back with its WAL but without what it missed: still each profile exactly once.
      assertExact(querier, load, startMs, "after ingester-2 came back");
      awaitRingOf(querier, cluster, 3);
      assertExact(querier, load, startMs, "with ingester-2 ACTIVE again");
    }
  }

  @Test
  void aRollingRestartOfEveryIngesterUnderLoadLosesNothingAndFailsNoPush() throws Exception {
    try (LocalCluster cluster = new LocalCluster(dir, List.of("-distributor.replication-factor=3",
        "-distributor.ingestion-rate-limit-mb=1000", "-distributor.ingestion-burst-size-mb=1000",
        "-blocks-storage.bucket-store.sync-interval=1s"))) {
      List<String> ingesters = List.of("ingester-1", "ingester-2", "ingester-3");
      for (String i : ingesters) {
        cluster.start(i, "ingester");
      }
      cluster.start("store-gateway-1", "store-gateway");
      cluster.start("distributor-1", "distributor");
      cluster.start("querier-1", "querier");
      cluster.awaitReady(Duration.ofSeconds(60));
      Connect distributor = new Connect(cluster.member("distributor-1").baseUrl());
      Connect querier = new Connect(cluster.member("querier-1").baseUrl());
      awaitRingOf(querier, cluster, 3);

      long baseNanos = System.currentTimeMillis() * 1_000_000L - 600_000_000_000L;
      long startMs = baseNanos / 1_000_000L - 1000;
      Load load = new Load(distributor, baseNanos);
      try (load) {
        load.awaitMore(20);
        for (String ingester : ingesters) {
          // SIGTERM: the ingester flushes its head into blocks and uploads them, then leaves.
          cluster.stop(ingester);
          Poll.until(ingester + " to exit", Duration.ofSeconds(60), Duration.ofMillis(50),
              () -> cluster.member(ingester).isAlive(), alive -> !alive);
          load.awaitMore(10);
          assertExact(querier, load, startMs, "with " + ingester + " stopped");
          cluster.restart(ingester);
          cluster.awaitReady(ingester, Duration.ofSeconds(60));
          awaitRingOf(querier, cluster, 3);
          load.awaitMore(10);
        }
      }
      assertThat(load.failures).as("pushes answered with an error").isEmpty();
      assertThat(uploadedBlocks()).as("blocks the stopping ingesters uploaded").isGreaterThanOrEqualTo(3);
      // Heads, local blocks and three replicas' uploaded blocks: still each profile once.
      assertExact(querier, load, startMs, "after the rolling restart");
    }
  }

  private long uploadedBlocks() throws IOException {
    try (Stream<Path> files = Files.walk(dir.resolve("bucket"))) {
      return files.filter(p -> p.getFileName().toString().equals("meta.json")).count();
    }
  }

  /** Waits until the querier's view of the ingester ring has {@code n} ACTIVE ingesters. */
  private static void awaitRingOf(Connect querier, LocalCluster cluster, int n) {
    URI url = URI.create(cluster.member("querier-1").baseUrl() + "/ring");
    Poll.until(n + " ACTIVE ingesters in the querier's ring", Duration.ofSeconds(60), Duration.ofMillis(100),
        () -> HTTP.send(HttpRequest.newBuilder(url).header("Accept", "application/json").build(),
            HttpResponse.BodyHandlers.ofString()).body(),
        body -> body.split("\"ACTIVE\"", -1).length - 1 == n);
  }

  /**
   * Every acknowledged push counts exactly once, by series and in the merged flame graph. While
   * the load runs, pushes in flight may be counted too (once each); once it stopped, exactly the
   * acknowledged ones are.
   */
  private static void assertExact(Connect querier, Load load, long startMs, String when) {
    List<Long> acked = List.copyOf(load.acknowledged);
    long endMs = System.currentTimeMillis() + 60_000;
    Map<String, Long> totals = Pushes.totalsBy(querier, "{}", Pushes.CPU, "seq", startMs, endMs);
    for (long seq : acked) {
      assertThat(totals.get(Long.toString(seq))).as("%s: push %d", when, seq).isEqualTo(TOTAL);
    }
    totals.values().forEach(t -> assertThat(t).as(when).isEqualTo(TOTAL));
    SelectMergeStacktracesResponse merged = querier.call("/querier.v1.QuerierService/SelectMergeStacktraces",
        SelectMergeStacktracesRequest.newBuilder().setProfileTypeID(Pushes.CPU).setLabelSelector("{}")
            .setStart(startMs).setEnd(endMs).build(), SelectMergeStacktracesResponse.parser());
    long total = merged.getFlamegraph().getTotal();
    assertThat(total % TOTAL).as("%s: whole profiles only", when).isZero();
    assertThat(total / TOTAL).as(when).isBetween((long) acked.size(), load.sent());
    if (!load.running()) {
      assertThat(totals).as(when).hasSize(acked.size());
      assertThat(total).as(when).isEqualTo(TOTAL * acked.size());
    }
  }
}
