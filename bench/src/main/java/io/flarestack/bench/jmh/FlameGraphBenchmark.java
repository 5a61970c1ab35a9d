package io.flarestack.bench.jmh;

import io.flarestack.api.ingester.v1.MergeTreeRequest;
import io.flarestack.api.ingester.v1.SelectProfilesRequest;
import io.flarestack.api.querier.v1.FlameGraph;
import io.flarestack.common.model.LabelNames;
import io.flarestack.common.model.Matcher;
import io.flarestack.common.model.flamegraph.FlameGraphs;
import io.flarestack.common.model.tree.CallTree;
import io.flarestack.ingester.head.ProfileRow;
import io.flarestack.ingester.head.Series;
import io.flarestack.ingester.head.SeriesRows;
import io.flarestack.ingester.head.TenantHead;
import io.flarestack.ingester.query.HeadQuerier;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A flame graph over N profile rows of one service from the head, as a single-ingester query
 * runs it: {@code HeadQuerier.mergeTree} (select, sum values per stack node, fold into a
 * function-name tree, truncate) then, as the querier, {@code CallTree.fromProto}, truncate and
 * {@code FlameGraphs.flameGraph} at 8,192 and 16,384 nodes. The kernel is the aggregation alone:
 * summing the same rows' values into a dense array indexed by stack id. One operation = one
 * flame graph.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class FlameGraphBenchmark {
  /** The head; 1,200 rows = one hour of one W-S service (5 pods x 240 uploads). */
  @State(Scope.Benchmark)
  public static class Data {
    @Param({"1200"})
    public int profiles;

    final HeadQuerier querier = new HeadQuerier();
    TenantHead head;
    SelectProfilesRequest select;
    List<Series> series;
    long samples;
    int stacks;

    @Setup(Level.Trial)
    public void setup() {
      ServiceHead sh = new ServiceHead(profiles);
      head = sh.head.find(WritePath.TENANT);
      String type = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
      select = SelectProfilesRequest.newBuilder()
          .setLabelSelector("{service_name=\"" + ServiceHead.SERVICE + "\"}").setProfileTypeId(type)
          .setStart(sh.startNanos / 1_000_000).setEnd(sh.endNanos / 1_000_000).build();
      series = head.select(List.of(Matcher.equal(LabelNames.SERVICE_NAME, ServiceHead.SERVICE),
          Matcher.equal(LabelNames.PROFILE_TYPE, type)));
      int rows = 0;
      for (Series s : series) {
        SeriesRows r = s.rows();
        rows += r.count();
        for (int i = 0; i < r.count(); i++) {
          samples += r.row(i).sampleCount();
        }
        stacks = Math.max(stacks, s.partition().view().stackNodeCount());
      }
      if (rows != sh.profiles) {
        throw new IllegalStateException("expected " + sh.profiles + " CPU rows, the head has " + rows);
      }
    }
  }

  @State(Scope.Benchmark)
  public static class Budget {
    @Param({"8192", "16384"})
    public long maxNodes;
  }

  @Benchmark
  public FlameGraph flameGraph(Data d, Budget b, Counters n) {
    var resp = d.querier.mergeTree(d.head,
        MergeTreeRequest.newBuilder().setSelect(d.select).setMaxNodes(b.maxNodes).build());
    CallTree tree = CallTree.fromProto(resp.getTree()).truncate(b.maxNodes);
    FlameGraph fg = FlameGraphs.flameGraph(tree, b.maxNodes);
    n.add(0, 0, d.samples, d.profiles);
    return fg;
  }

  @Benchmark
  public long[] aggregateKernel(Data d, Counters n) {
    long[] values = new long[d.stacks];
    for (Series s : d.series) {
      SeriesRows rows = s.rows();
      for (int r = 0; r < rows.count(); r++) {
        ProfileRow row = rows.row(r);
        for (int i = 0; i < row.sampleCount(); i++) {
          values[row.stackId(i)] += row.value(i);
        }
      }
    }
    n.add(0, 0, d.samples, d.profiles);
    return values;
  }
}
