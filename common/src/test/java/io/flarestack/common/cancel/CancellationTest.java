package io.flarestack.common.cancel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.flarestack.api.ingester.v1.PartialPoint;
import io.flarestack.api.ingester.v1.PartialSeries;
import io.flarestack.api.types.v1.TimeSeriesAggregationType;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.Checkpoint;
import io.flarestack.common.model.flamegraph.FlameGraphs;
import io.flarestack.common.model.series.SeriesMerger;
import io.flarestack.common.model.tree.CallTree;
import io.grpc.Context;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CancellationTest {
  @Test
  void aLiveContextLetsTheWorkGoOn() {
    Cancellation c = Cancellation.of(Context.ROOT.withCancellation());
    for (int i = 0; i < 3 * Cancellation.EVERY; i++) {
      c.check();
    }
    c.checkNow();
    assertThat(c.isCancelled()).isFalse();
  }

  @Test
  void aClientThatWentAwayStopsTheWorkWithCancelled() {
    Context.CancellableContext context = Context.ROOT.withCancellation();
    Cancellation c = Cancellation.of(context);
    c.check(); // looked: live
    context.cancel(Status.CANCELLED.withDescription("the client closed the request").asRuntimeException());
    QueryCancelledException e = catchThrowableOfType(QueryCancelledException.class, c::checkNow);
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThat(e.getStatus().getDescription()).contains("cancelled").contains("the client closed the request");
    assertThat(FlarestackException.from(e).code()).isEqualTo(ErrorCode.CANCELED);
  }

  @Test
  void thePerIterationCheckStopsWithinOneSamplingPeriod() {
    Context.CancellableContext context = Context.ROOT.withCancellation();
    Cancellation c = Cancellation.of(context);
    c.check();
    context.cancel(null);
    int calls = 0;
    try {
      while (calls <= Cancellation.EVERY) {
        calls++;
        c.check();
      }
    } catch (QueryCancelledException e) {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
    }
    assertThat(calls).isBetween(1, Cancellation.EVERY);
  }

  @Test
  void aPassedDeadlineStopsTheWorkWithDeadlineExceeded() throws Exception {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try {
      Context.CancellableContext context = Context.ROOT.withDeadlineAfter(-1, TimeUnit.SECONDS, timer);
      QueryCancelledException e = catchThrowableOfType(QueryCancelledException.class,
          () -> Cancellation.of(context).checkNow());
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
      assertThat(e.getStatus().getDescription()).contains("deadline");
      assertThat(FlarestackException.from(e).code().httpStatus()).isEqualTo(504);
    } finally {
      timer.shutdownNow();
    }
  }

  @Test
  void currentReadsTheThreadsContext() throws Exception {
    Context.CancellableContext context = Context.ROOT.withCancellation();
    context.cancel(null);
    Cancellation inside = context.call(Cancellation::current);
    assertThatThrownBy(inside::checkNow).isInstanceOf(QueryCancelledException.class);
    Cancellation.never().checkNow();
  }

  @Test
  void treeAndFlameGraphLoopsCallTheCheckpointPerNodeAndStopWhenItThrows() {
    CallTree tree = new CallTree();
    List<String> stack = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      stack.clear();
      stack.add("main");
      stack.add("f" + i % 50);
      stack.add("g" + i);
      tree.addStack(stack, i + 1);
    }
    int nodes = tree.size() - 1;
    int[] calls = new int[1];
    Checkpoint counting = () -> calls[0]++;

    CallTree copy = new CallTree();
    copy.merge(tree, counting);
    assertThat(calls[0]).isGreaterThanOrEqualTo(nodes);
    calls[0] = 0;
    CallTree.fromProto(tree.toProto(), counting);
    assertThat(calls[0]).isGreaterThanOrEqualTo(nodes);
    calls[0] = 0;
    tree.truncate(100, counting);
    assertThat(calls[0]).isGreaterThanOrEqualTo(nodes);
    calls[0] = 0;
    FlameGraphs.flameGraph(tree, 0, counting);
    assertThat(calls[0]).isGreaterThanOrEqualTo(nodes);
    calls[0] = 0;
    FlameGraphs.diff(tree, copy, 0, counting);
    assertThat(calls[0]).isGreaterThanOrEqualTo(nodes);

    Checkpoint stop = () -> {
      throw new QueryCancelledException(Status.CANCELLED);
    };
    assertThatThrownBy(() -> new CallTree().merge(tree, stop)).isInstanceOf(QueryCancelledException.class);
    assertThatThrownBy(() -> FlameGraphs.flameGraph(tree, 0, stop)).isInstanceOf(QueryCancelledException.class);
    assertThatThrownBy(() -> FlameGraphs.diff(tree, copy, 0, stop)).isInstanceOf(QueryCancelledException.class);
    assertThatThrownBy(() -> tree.truncate(100, stop)).isInstanceOf(QueryCancelledException.class);
  }

  @Test
  void theSeriesMergeCallsTheCheckpointPerSeries() {
    List<PartialSeries> part = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      part.add(PartialSeries.newBuilder()
          .addLabels(io.flarestack.api.types.v1.LabelPair.newBuilder().setName("i").setValue(Integer.toString(i)))
          .addPoints(PartialPoint.newBuilder().setTimestamp(1000).setSum(1).setCount(1)).build());
    }
    int[] calls = new int[1];
    new SeriesMerger(TimeSeriesAggregationType.TIME_SERIES_AGGREGATION_TYPE_SUM).add(part, () -> calls[0]++);
    assertThat(calls[0]).isEqualTo(10);
  }
}
