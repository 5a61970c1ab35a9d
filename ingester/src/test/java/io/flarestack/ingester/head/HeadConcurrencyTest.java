package io.flarestack.ingester.head;

import static io.flarestack.ingester.testing.Requests.pprof;
import static io.flarestack.ingester.testing.Requests.select;
import static io.flarestack.ingester.testing.Requests.series;
import static io.flarestack.ingester.testing.Requests.tree;
import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.ingester.v1.FunctionTree;
import io.flarestack.common.model.Labels;
import io.flarestack.common.testing.Poll;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.TreeFacts;
import io.flarestack.ingester.query.HeadQuerier;
import io.flarestack.ingester.testing.Requests;
import io.flarestack.ingester.testing.TestPprof;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Writers push while readers query: readers never fail and only ever see whole profiles (every
 * total is a multiple of one profile's total, and never goes down); the end state is exact.
 */
class HeadConcurrencyTest {
  private static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
  private static final int WRITERS = 3;
  private static final int READERS = 2;
  private static final int PUSHES = 300;
  private static final long PROFILE_TOTAL = 4 + 6 + 5;

  @Test
  void readersSeeConsistentPrefixesWhileWritersPush() throws Exception {
    Head head = new Head(0, new SimpleMeterRegistry());
    HeadQuerier querier = new HeadQuerier();
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger writersLeft = new AtomicInteger(WRITERS);
    AtomicInteger observationsMade = new AtomicInteger();
    Set<Long> observed = ConcurrentHashMap.newKeySet();
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        writers.add(pool.submit(() -> {
          start.await();
          try {
            for (int i = 0; i < PUSHES; i++) {
              if (i > 0 && i % 50 == 0) {
                // Let the readers look at this intermediate state before going on.
                awaitAtLeast(observationsMade, observationsMade.get() + READERS);
              }
              // Two writers share a service (and so a symbol partition); every push brings new
              // functions and stacks, and every 7th a new series.
              Labels labels = Labels.of("__name__", "process_cpu", "service_name", "svc" + (writer % 2),
                  "writer", "w" + writer, "batch", "b" + (i % 7));
              head.append("t", Requests.push(series(labels, TestPprof.cpu().timeMillis(1000 + i)
                  .sample(4, "main", "w" + writer, "f" + (i % 50))
                  .sample(6, "main", "shared", "g" + i, "h" + writer)
                  .sample(5, "main").build())));
            }
          } finally {
            writersLeft.decrementAndGet();
          }
          return null;
        }));
      }
      List<Future<Integer>> readers = new ArrayList<>();
      for (int r = 0; r < READERS; r++) {
        readers.add(pool.submit(() -> {
          start.await();
          long last = 0;
          int observations = 0;
          boolean finalRound = false;
          while (!finalRound) {
            finalRound = writersLeft.get() == 0;
            TenantHead th = head.find("t"); // null until the first push: an empty answer
            FunctionTree t = querier.mergeTree(th, tree(select("{}", CPU, 0, 10_000), 0)).getTree();
            long total = TreeFacts.total(t);
            assertThat(total % PROFILE_TOTAL).as("tree total %d", total).isZero();
            assertThat(total).isGreaterThanOrEqualTo(last).isLessThanOrEqualTo(WRITERS * PUSHES * PROFILE_TOTAL);
            // The tree is well formed and its root-first paths add up.
            assertThat(TreeFacts.collapsed(t).values().stream().mapToLong(Long::longValue).sum()).isEqualTo(total);
            long pprofTotal = PprofFacts.total(querier.mergePprof(th, pprof(select("{}", CPU, 0, 10_000), 0)), 0);
            assertThat(pprofTotal % PROFILE_TOTAL).isZero();
            assertThat(pprofTotal).isGreaterThanOrEqualTo(total);
            last = total;
            observations++;
            observed.add(total);
            observationsMade.incrementAndGet();
          }
          return observations;
        }));
      }
      start.countDown();
      for (Future<?> w : writers) {
        w.get(60, TimeUnit.SECONDS);
      }
      for (Future<Integer> r : readers) {
        assertThat(r.get(60, TimeUnit.SECONDS)).isPositive();
      }
    } finally {
      pool.shutdownNow();
    }

    TenantHead th = head.find("t");
    long expected = WRITERS * PUSHES * PROFILE_TOTAL;
    assertThat(observed).anyMatch(t -> t > 0 && t < expected);
    assertThat(TreeFacts.total(querier.mergeTree(th, tree(select("{}", CPU, 0, 10_000), 0)).getTree())).isEqualTo(expected);
    assertThat(th.profileCount()).isEqualTo(WRITERS * PUSHES);
    assertThat(th.seriesCount()).isEqualTo(WRITERS * 7);
    for (int w = 0; w < WRITERS; w++) {
      long perWriter = TreeFacts.total(querier.mergeTree(th,
          tree(select("{writer=\"w" + w + "\"}", CPU, 0, 10_000), 0)).getTree());
      assertThat(perWriter).isEqualTo(PUSHES * PROFILE_TOTAL);
    }
    // Symbols are shared where content is equal: main, shared, f0..f49, g0..g149, one w and h per writer.
    int functions = 0;
    for (SymbolPartition p : th.partitions()) {
      functions += p.view().functionCount();
    }
    int svc0Writers = (WRITERS + 1) / 2;
    int svc1Writers = WRITERS / 2;
    assertThat(functions).isEqualTo(
        (2 + 50 + PUSHES + 2 * svc0Writers) + (2 + 50 + PUSHES + 2 * svc1Writers));
  }

  /** Polls until the counter reaches {@code target}, for at most 30 s. */
  private static void awaitAtLeast(AtomicInteger counter, int target) {
    Poll.until("the readers to make " + target + " observations", Duration.ofSeconds(30), counter::get, n -> n >= target);
  }
}
