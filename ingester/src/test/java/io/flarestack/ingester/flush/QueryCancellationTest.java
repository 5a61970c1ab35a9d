package io.flarestack.ingester.flush;

import static io.flarestack.ingester.testing.Requests.pprof;
import static io.flarestack.ingester.testing.Requests.select;
import static io.flarestack.ingester.testing.Requests.series;
import static io.flarestack.ingester.testing.Requests.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.ingester.v1.MergeTreeResponse;
import io.flarestack.api.types.v1.LabelValuesRequest;
import io.flarestack.common.cancel.QueryCancelledException;
import io.flarestack.common.model.Labels;
import io.flarestack.common.model.Matcher;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.ingester.head.Head;
import io.flarestack.ingester.head.TenantHead;
import io.flarestack.ingester.query.HeadSource;
import io.flarestack.ingester.testing.Requests;
import io.flarestack.storage.block.Block;
import io.flarestack.storage.block.BlockFiles;
import io.flarestack.storage.block.BlockMeta;
import io.flarestack.storage.block.BlockWriter;
import io.flarestack.storage.block.ReadStats;
import io.flarestack.storage.block.Ulid;
import io.flarestack.storage.query.ProfileSource;
import io.flarestack.storage.query.QueryEngine;
import io.flarestack.storage.query.Selection;
import io.grpc.Context;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads over a head and over a block stop with CANCELLED or DEADLINE_EXCEEDED once the query's
 * context is cancelled, wherever they are (selecting series, scanning rows of a Parquet block),
 * and a block read that was stopped is not taken for a broken block.
 */
class QueryCancellationTest {
  private static final Profile JAVA = SharedTestData.pprof("java/cpu.pb.gz");
  private static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
  private static final QueryEngine engine = new QueryEngine();
  private static final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private static final AtomicInteger blockFailures = new AtomicInteger();

  @TempDir
  static Path dir;

  private static HeadSource head;
  private static Block block;

  @BeforeAll
  static void write() throws Exception {
    Head h = new Head(0, new SimpleMeterRegistry());
    for (int i = 0; i < 8; i++) {
      long t = 1_000_000_000L * (i + 1);
      h.append("t", Requests.push(series(Labels.of("__name__", "process_cpu", "service_name", "java-app",
          "pod", "p" + i % 4), JAVA.toBuilder().setTimeNanos(t).build())));
    }
    TenantHead th = h.find("t");
    head = new HeadSource(th);
    String ulid = Ulid.generate(System.currentTimeMillis(), new Random(1));
    BlockMeta meta = HeadBlocks.write(th, dir.resolve(ulid), ulid, new BlockWriter(1 << 20));
    block = new Block(meta, BlockFiles.local(dir.resolve(ulid), new ReadStats()), "t/" + ulid,
        e -> blockFailures.incrementAndGet());
  }

  @AfterAll
  static void stop() {
    timer.shutdownNow();
  }

  private static MergeTreeResponse flameGraph(ProfileSource source) {
    return engine.mergeTree(List.of(source), tree(select("{}", CPU, 0, 10_000), 0));
  }

  @Test
  void everyReadOfACancelledQueryStopsWithCancelled() {
    for (ProfileSource source : List.of(head, block)) {
      Context.CancellableContext gone = Context.ROOT.withCancellation();
      gone.cancel(Status.CANCELLED.withDescription("the client closed the request").asRuntimeException());
      List<Callable<?>> reads = List.of(
          () -> flameGraph(source),
          () -> engine.mergePprof(List.of(source), pprof(select("{}", CPU, 0, 10_000), 0)),
          () -> engine.selectSeries(List.of(source), Requests.series(select("{}", CPU, 0, 10_000), 1000, "pod")),
          () -> engine.labelValues(List.of(source), LabelValuesRequest.newBuilder().setName("pod").build()),
          () -> engine.profileStats(List.of(source)));
      for (Callable<?> read : reads) {
        QueryCancelledException e = catchThrowableOfType(QueryCancelledException.class, () -> gone.call(read));
        assertThat(e).as("%s stops", source).isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
      }
    }
  }

  @Test
  void aQueryPastItsDeadlineStopsWithDeadlineExceeded() {
    for (ProfileSource source : List.of(head, block)) {
      Context.CancellableContext late = Context.ROOT.withDeadlineAfter(-1, TimeUnit.SECONDS, timer);
      QueryCancelledException e = catchThrowableOfType(QueryCancelledException.class,
          () -> late.call(() -> flameGraph(source)));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    }
  }

  @Test
  void selectingSeriesWithCostlyMatchersStopsInTheHeadAndTheBlock() {
    List<Matcher> costly = List.of(Matcher.of("pod", Matcher.Type.REGEX, "p.+"));
    for (ProfileSource source : List.of(head, block)) {
      assertThat(source.select(costly, 0, Long.MAX_VALUE, false).series()).hasSize(4);
      Context.CancellableContext gone = Context.ROOT.withCancellation();
      gone.cancel(null);
      assertThat(catchThrowableOfType(QueryCancelledException.class,
          () -> gone.call(() -> source.select(costly, 0, Long.MAX_VALUE, false)))).as("%s stops", source).isNotNull();
    }
  }

  @Test
  void aStoppedBlockScanIsNotABrokenBlock() throws Exception {
    MergeTreeResponse before = flameGraph(block);
    Selection selection = block.select(List.of(), 0, Long.MAX_VALUE, false);
    Context.CancellableContext gone = Context.ROOT.withCancellation();
    gone.cancel(null);
    int[] rows = new int[1];
    QueryCancelledException e = catchThrowableOfType(QueryCancelledException.class,
        () -> gone.run(() -> selection.scan(true, false, (i, row) -> rows[0]++)));
    assertThat(e).as("the Parquet scan stops, and not as a corrupt file").isNotNull();
    assertThat(rows[0]).isZero();
    assertThat(blockFailures.get()).isZero();
    assertThat(flameGraph(block)).as("the block still answers").isEqualTo(before);
    assertThat(before.getTree().getSelfList().stream().mapToLong(Long::longValue).sum()).isPositive();
  }
}
