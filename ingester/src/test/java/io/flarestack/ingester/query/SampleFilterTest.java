package io.flarestack.ingester.query;

import static io.flarestack.ingester.testing.Requests.pprof;
import static io.flarestack.ingester.testing.Requests.select;
import static io.flarestack.ingester.testing.Requests.series;
import static io.flarestack.ingester.testing.Requests.tree;
import static io.flarestack.ingester.testing.Requests.withCallSite;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.ingester.v1.PartialSeries;
import io.flarestack.api.ingester.v1.SelectProfilesRequest;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.Labels;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.TreeFacts;
import io.flarestack.ingester.head.Head;
import io.flarestack.ingester.head.TenantHead;
import io.flarestack.ingester.testing.Requests;
import io.flarestack.ingester.testing.TestPprof;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Call-site and span filters, inlined and unsymbolized frames, node budgets. */
class SampleFilterTest {
  private static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
  private static final String SPAN_1 = "0102030405060708";
  private static final String SPAN_2 = "a1a2a3a4a5a6a7a8";
  private final HeadQuerier querier = new HeadQuerier();
  private TenantHead head;

  @BeforeEach
  void setUp() {
    Profile p = TestPprof.cpu().timeMillis(1000)
        .sample(10, "main", "a", "b")
        .sampleWithSpan(SPAN_1, 20, "main", "a", "c")
        .sampleWithSpan(SPAN_2, 30, "main", "d")
        .sampleWithSpan(SPAN_1, 5, "main", "d")
        .sampleWithSpan("not-a-span-id", 7, "main", "d")
        .sample(40, "main", "x|y", "0x1f00")
        .build();
    Head h = new Head(0, new SimpleMeterRegistry());
    h.append("t", Requests.push(series(Labels.of("__name__", "process_cpu", "service_name", "svc"), p)));
    head = h.find("t");
  }

  private static SelectProfilesRequest.Builder all() {
    return select("{}", CPU, 0, 10_000);
  }

  private Map<String, Long> treeOf(SelectProfilesRequest.Builder sel) {
    return TreeFacts.collapsed(querier.mergeTree(head, tree(sel, 0)).getTree());
  }

  @Test
  void inlinedLinesAreFramesOuterFirstAndBareAddressesAreHex() {
    assertThat(treeOf(all())).containsExactly(
        entry("main;a;b", 10L),
        entry("main;a;c", 20L),
        entry("main;d", 42L),
        entry("main;x;y;0x1f00", 40L));
  }

  @Test
  void callSiteKeepsStacksStartingWithIt() {
    assertThat(treeOf(withCallSite(all(), "main", "a"))).containsExactly(entry("main;a;b", 10L), entry("main;a;c", 20L));
    assertThat(treeOf(withCallSite(all(), "main", "a", "b"))).containsExactly(entry("main;a;b", 10L));
    assertThat(treeOf(withCallSite(all(), "main", "x", "y"))).containsExactly(entry("main;x;y;0x1f00", 40L));
    assertThat(treeOf(withCallSite(all(), "main", "x", "y", "0x1f00"))).containsOnlyKeys("main;x;y;0x1f00");
    assertThat(treeOf(withCallSite(all(), "main", "y"))).isEmpty();
    assertThat(treeOf(withCallSite(all(), "a"))).isEmpty();
    assertThat(treeOf(withCallSite(all(), "main", "a", "b", "deeper"))).isEmpty();
    assertThat(treeOf(withCallSite(all()))).hasSize(4);
  }

  @Test
  void spanSelectorKeepsOnlySamplesWithThoseSpans() {
    assertThat(treeOf(all().addSpanSelector(SPAN_1))).containsExactly(entry("main;a;c", 20L), entry("main;d", 5L));
    assertThat(treeOf(all().addSpanSelector(SPAN_2).addSpanSelector(SPAN_1.toUpperCase())))
        .containsExactly(entry("main;a;c", 20L), entry("main;d", 35L));
    assertThat(treeOf(all().addSpanSelector("ffffffffffffffff"))).isEmpty();
    assertThat(treeOf(withCallSite(all().addSpanSelector(SPAN_1), "main", "d"))).containsExactly(entry("main;d", 5L));
  }

  @Test
  void invalidSpanIdsAreRejected() {
    for (String bad : List.of("0102", "zz02030405060708", "010203040506070809")) {
      assertThatThrownBy(() -> querier.mergeTree(head, tree(all().addSpanSelector(bad), 0)))
          .isInstanceOfSatisfying(FlarestackException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(e.getMessage()).contains(bad);
          });
    }
  }

  @Test
  void selectSeriesTotalsCountOnlyMatchingSamples() {
    List<PartialSeries> out = querier.selectSeries(head,
        Requests.series(withCallSite(select("{}", CPU, 1000, 1000), "main", "a"), 1000)).getSeriesList();
    assertThat(out.get(0).getPoints(0).getSum()).isEqualTo(30.0);
    assertThat(out.get(0).getPoints(0).getCount()).isEqualTo(1);

    out = querier.selectSeries(head,
        Requests.series(select("{}", CPU, 1000, 1000).addSpanSelector(SPAN_2), 1000)).getSeriesList();
    assertThat(out.get(0).getPoints(0).getSum()).isEqualTo(30.0);

    out = querier.selectSeries(head,
        Requests.series(withCallSite(select("{}", CPU, 1000, 1000), "nope"), 1000)).getSeriesList();
    assertThat(out).isEmpty();
  }

  @Test
  void mergePprofHonoursTheCallSite() {
    Profile out = querier.mergePprof(head, pprof(withCallSite(all(), "main", "a"), 0));

    assertThat(PprofFacts.collapsed(out, 0)).containsExactly(entry("main;a;b", 10L), entry("main;a;c", 20L));
    // Only what the two stacks reference: main, a, b, c.
    assertThat(out.getLocationCount()).isEqualTo(4);
    assertThat(out.getFunctionCount()).isEqualTo(4);
    assertThat(out.getSampleCount()).isEqualTo(2);
  }

  @Test
  void mergePprofKeepsInlinedLinesAndAddresses() {
    Profile out = querier.mergePprof(head, pprof(all(), 0));

    assertThat(PprofFacts.collapsed(out, 0)).containsExactly(
        entry("main;a;b", 10L), entry("main;a;c", 20L), entry("main;d", 42L), entry("main;x;y;0x1f00", 40L));
    // Samples that differ only by span come out as one sample per stack.
    assertThat(out.getSampleCount()).isEqualTo(4);
  }

  @Test
  void nodeBudgetsPreserveTheTotal() {
    // Stack nodes by subtree total: main 112, x|y 40, 0x1f00 40, d 42, a 30, c 20, b 10.
    Profile out = querier.mergePprof(head, pprof(all(), 4));
    assertThat(PprofFacts.total(out, 0)).isEqualTo(112);
    assertThat(PprofFacts.collapsed(out, 0)).containsExactly(
        entry("main;d", 42L), entry("main;other", 30L), entry("main;x;y;0x1f00", 40L));

    Map<String, Long> t = TreeFacts.collapsed(querier.mergeTree(head, tree(all(), 3)).getTree());
    assertThat(t.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(112);
    assertThat(t).containsEntry("main;d", 42L);
  }
}
