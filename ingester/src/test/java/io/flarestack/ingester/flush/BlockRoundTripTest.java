package io.flarestack.ingester.flush;

import static io.flarestack.ingester.testing.Requests.pprof;
import static io.flarestack.ingester.testing.Requests.select;
import static io.flarestack.ingester.testing.Requests.series;
import static io.flarestack.ingester.testing.Requests.tree;
import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.ingester.v1.SelectProfilesRequest;
import io.flarestack.api.ingester.v1.SelectSeriesRequest;
import io.flarestack.api.querier.v1.ProfileTypesRequest;
import io.flarestack.api.querier.v1.SeriesRequest;
import io.flarestack.api.types.v1.LabelNamesRequest;
import io.flarestack.api.types.v1.LabelValuesRequest;
import io.flarestack.common.model.Labels;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.common.testing.TreeFacts;
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
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A head full of real profiles, written as a block and read back: every read RPC answers the
 * same from the block as from the head (trees and pprofs compared as collapsed stacks, series
 * and metadata as messages), and the totals match the raw inputs.
 */
class BlockRoundTripTest {
  private static final Profile JAVA = SharedTestData.pprof("java/cpu.pb.gz");
  private static final Profile GO_CPU = SharedTestData.pprof("go/cpu.pb.gz");
  private static final Profile HEAP = SharedTestData.pprof("go/heap.pb.gz");
  private static final Profile PYTHON = SharedTestData.pprof("pprof/pkg-pprof/profile_python");
  private static final Profile SPANS = SharedTestData.pprof("pprof/pkg-pprof/single_group_with_optional_span_id.pb.gz");
  private static final Profile RUBY = SharedTestData.pprof("pprof/pkg-pprof/profile_ruby");

  @TempDir
  static Path dir;

  private static final QueryEngine engine = new QueryEngine();
  private static TenantHead head;
  private static HeadSource headSource;
  private static Block block;
  private static BlockMeta meta;
  private static final ReadStats reads = new ReadStats();

  @BeforeAll
  static void writeBlock() throws Exception {
    Head h = new Head(0, new SimpleMeterRegistry());
    for (int i = 0; i < 4; i++) {
      long t = 1_000_000_000L * (i + 1);
      h.append("t", Requests.push(
          series(Labels.of("__name__", "process_cpu", "service_name", "java-app", "pod", "p" + i % 2), at(JAVA, t)),
          series(Labels.of("__name__", "process_cpu", "service_name", "go-app"), at(GO_CPU, t)),
          series(Labels.of("__name__", "memory", "service_name", "go-app", "__delta__", "false"), at(HEAP, t)),
          series(Labels.of("__name__", "process_cpu", "service_name", "python-app"), at(PYTHON, t)),
          series(Labels.of("__name__", "process_cpu", "service_name", "ruby-app"), at(RUBY, t)),
          series(Labels.of("__name__", "process_cpu", "service_name", "span-app"), at(SPANS, t))));
    }
    head = h.find("t");
    headSource = new HeadSource(head);
    String ulid = Ulid.generate(System.currentTimeMillis(), new Random(1));
    meta = HeadBlocks.write(head, dir.resolve(ulid), ulid, new BlockWriter(1 << 20));
    block = new Block(meta, BlockFiles.local(dir.resolve(ulid), reads), "t/" + ulid, e -> {
      throw new AssertionError(e);
    });
  }

  private static Profile at(Profile p, long timeNanos) {
    return p.toBuilder().setTimeNanos(timeNanos).build();
  }

  private static List<ProfileSource> head() {
    return List.of(headSource);
  }

  private static List<ProfileSource> block() {
    return List.of(block);
  }

  static Stream<String> types() {
    List<String> types = new ArrayList<>();
    engine.profileTypes(head(), ProfileTypesRequest.getDefaultInstance()).getProfileTypesList()
        .forEach(t -> types.add(t.getID()));
    return types.stream();
  }

  @Test
  void aSelectorMatchingNothingAnswersEmptyFromABlockAsFromTheHead() {
    for (String selector : List.of("{service_name=\"java-app\", env=\"nope\"}", "{nope=\"x\"}",
        "{service_name=\"java-app\", pod=~\"zz.*\"}")) {
      SelectProfilesRequest.Builder sel = select(selector, "process_cpu:cpu:nanoseconds:cpu:nanoseconds", 0, 10_000);
      assertThat(engine.mergeTree(block(), tree(sel, 0))).as(selector).isEqualTo(engine.mergeTree(head(), tree(sel, 0)));
      assertThat(engine.selectSeries(block(), series(sel, 1000))).as(selector)
          .isEqualTo(engine.selectSeries(head(), series(sel, 1000)));
    }
  }

  @Test
  void metaDescribesTheHead() {
    assertThat(meta.stats().numProfiles()).isEqualTo(head.profileCount());
    assertThat(meta.stats().numSamples()).isEqualTo(head.sampleCount());
    assertThat(meta.minTime()).isEqualTo(1000);
    assertThat(meta.maxTime()).isEqualTo(4000);
    assertThat(meta.compaction().level()).isEqualTo(1);
    assertThat(meta.sourceBlocks()).containsExactly(meta.ulid());
    assertThat(meta.files()).extracting(BlockMeta.FileInfo::relPath)
        .containsExactlyInAnyOrder("profiles.parquet", "series.idx", "symbols.sym");
    assertThat(BlockMeta.parse(meta.toJson(), "test")).isEqualTo(meta);
  }

  @ParameterizedTest
  @MethodSource("types")
  void treesAndPprofsAreIdentical(String type) {
    for (String selector : List.of("{}", "{service_name=\"go-app\"}", "{service_name=~\"java.*\", pod=\"p1\"}")) {
      SelectProfilesRequest.Builder sel = select(selector, type, 0, 10_000);
      var fromHead = TreeFacts.collapsed(engine.mergeTree(head(), tree(sel, 0)).getTree());
      var fromBlock = TreeFacts.collapsed(engine.mergeTree(block(), tree(sel, 0)).getTree());
      assertThat(fromBlock).as(type + " " + selector).isEqualTo(fromHead);
      Profile ph = engine.mergePprof(head(), pprof(sel, 0));
      Profile pb = engine.mergePprof(block(), pprof(sel, 0));
      assertThat(PprofFacts.collapsed(pb, 0)).isEqualTo(PprofFacts.collapsed(ph, 0));
      assertThat(pb.getPeriod()).isEqualTo(ph.getPeriod());
      assertThat(pb.getTimeNanos()).isEqualTo(ph.getTimeNanos());
      assertThat(pb.getDurationNanos()).isEqualTo(ph.getDurationNanos());
    }
  }

  @Test
  void totalsMatchTheRawInputs() {
    long java = PprofFacts.total(JAVA, 0);
    var tree = engine.mergeTree(block(), tree(select("{service_name=\"java-app\"}",
        "process_cpu:cpu:nanoseconds:cpu:nanoseconds", 0, 10_000), 0)).getTree();
    assertThat(TreeFacts.total(tree)).isEqualTo(4 * java);
    assertThat(TreeFacts.collapsed(tree)).isEqualTo(PprofFacts.scaled(PprofFacts.collapsed(JAVA, 0), 4));
  }

  @Test
  void timeRangesSelectTheSameProfiles() {
    String type = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
    for (long[] range : new long[][] {{1000, 1000}, {1500, 3000}, {3999, 4000}, {4001, 9000}, {0, 999}}) {
      SelectProfilesRequest.Builder sel = select("{}", type, range[0], range[1]);
      assertThat(TreeFacts.collapsed(engine.mergeTree(block(), tree(sel, 0)).getTree()))
          .isEqualTo(TreeFacts.collapsed(engine.mergeTree(head(), tree(sel, 0)).getTree()));
    }
  }

  @Test
  void seriesAndMetadataAreIdentical() {
    for (String type : types().toList()) {
      SelectSeriesRequest req = Requests.series(select("{}", type, 0, 10_000), 1000, "service_name", "pod");
      assertThat(engine.selectSeries(block(), req)).isEqualTo(engine.selectSeries(head(), req));
      SelectSeriesRequest filtered = Requests.series(
          Requests.withCallSite(select("{}", type, 1500, 3500), "java/lang/Thread.run"), 1000, "pod");
      assertThat(engine.selectSeries(block(), filtered)).isEqualTo(engine.selectSeries(head(), filtered));
    }
    for (long[] range : new long[][] {{0, 0}, {1000, 4000}, {2500, 2600}, {2000, 2000}, {5000, 6000}}) {
      LabelNamesRequest names = LabelNamesRequest.newBuilder().setStart(range[0]).setEnd(range[1])
          .addMatchers("{service_name=\"go-app\"}").build();
      assertThat(engine.labelNames(block(), names)).isEqualTo(engine.labelNames(head(), names));
      LabelValuesRequest values = LabelValuesRequest.newBuilder().setName("service_name").setStart(range[0])
          .setEnd(range[1]).build();
      assertThat(engine.labelValues(block(), values)).isEqualTo(engine.labelValues(head(), values));
      SeriesRequest series = SeriesRequest.newBuilder().setStart(range[0]).setEnd(range[1])
          .addLabelNames("service_name").addLabelNames("__profile_type__").build();
      assertThat(engine.series(block(), series)).isEqualTo(engine.series(head(), series));
      ProfileTypesRequest types = ProfileTypesRequest.newBuilder().setStart(range[0]).setEnd(range[1]).build();
      assertThat(engine.profileTypes(block(), types)).isEqualTo(engine.profileTypes(head(), types));
    }
    assertThat(engine.profileStats(block())).isEqualTo(engine.profileStats(head()));
  }

  @Test
  void spanSelectorsWorkOnBlocks() {
    Profile p = SPANS;
    String type = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
    var all = engine.profileTypes(head(), ProfileTypesRequest.getDefaultInstance());
    for (var t : all.getProfileTypesList()) {
      SelectProfilesRequest.Builder sel = select("{service_name=\"span-app\"}", t.getID(), 0, 10_000)
          .addSpanSelector("b11e9ef3d11fc1ea");
      assertThat(TreeFacts.collapsed(engine.mergeTree(block(), tree(sel, 0)).getTree()))
          .isEqualTo(TreeFacts.collapsed(engine.mergeTree(head(), tree(sel, 0)).getTree()));
    }
    assertThat(p.getSampleCount()).isPositive();
    assertThat(type).isNotEmpty();
  }

  @Test
  void aSelectiveQueryReadsAFractionOfTheBlock() {
    long before = reads.bytes();
    engine.mergeTree(block(), tree(select("{service_name=\"python-app\"}", "process_cpu:samples:count::milliseconds",
        0, 10_000), 0));
    long read = reads.bytes() - before;
    assertThat(read).isPositive().isLessThan(meta.totalBytes());
  }
}
