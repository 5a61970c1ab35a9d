package io.flarestack.ingester.query;

import static io.flarestack.ingester.testing.Requests.select;
import static io.flarestack.ingester.testing.Requests.series;
import static io.flarestack.ingester.testing.Requests.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.api.ingester.v1.PartialPoint;
import io.flarestack.api.ingester.v1.PartialSeries;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.Labels;
import io.flarestack.common.testing.TreeFacts;
import io.flarestack.ingester.head.Head;
import io.flarestack.ingester.head.TenantHead;
import io.flarestack.ingester.testing.Requests;
import io.flarestack.ingester.testing.TestPprof;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Label selectors, the inclusive time range, and SelectSeries steps and grouping. */
class SelectionTest {
  private static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
  private final HeadQuerier querier = new HeadQuerier();
  private TenantHead head;

  /**
   * Series a{env=prod}: 1 at 1000 ms, 2 at 2000 ms, 4 at 3000 ms; b{env=dev}: 10 at 2000 ms;
   * c (no env): 100 at 2500 ms; d{env=prod} memory type: 1000 at 2000 ms.
   */
  @BeforeEach
  void setUp() {
    Head h = new Head(0, new SimpleMeterRegistry());
    h.append("t", Requests.push(
        series(cpu("a", "prod"), profile(1000, 1), profile(2000, 2), profile(3000, 4)),
        series(cpu("b", "dev"), profile(2000, 10)),
        series(Labels.of("__name__", "process_cpu", "service_name", "c"), profile(2500, 100)),
        series(Labels.of("__name__", "memory", "service_name", "d", "env", "prod"),
            TestPprof.empty().sampleType("inuse_space", "bytes").timeMillis(2000).sample(1000, "main").build())));
    head = h.find("t");
  }

  private static Labels cpu(String service, String env) {
    return Labels.of("__name__", "process_cpu", "service_name", service, "env", env);
  }

  private static io.flarestack.api.google.v1.Profile profile(long ms, long value) {
    return TestPprof.cpu().timeMillis(ms).sample(value, "main", "work").build();
  }

  private long total(String selector, long start, long end) {
    return TreeFacts.total(querier.mergeTree(head, tree(select(selector, CPU, start, end), 0)).getTree());
  }

  @Test
  void equalityAndInequalityMatchers() {
    assertThat(total("{}", 0, 10_000)).isEqualTo(117);
    assertThat(total("{env=\"prod\"}", 0, 10_000)).isEqualTo(7);
    assertThat(total("{env!=\"prod\"}", 0, 10_000)).isEqualTo(110);
    assertThat(total("{env=\"\"}", 0, 10_000)).isEqualTo(100);
    assertThat(total("{env=\"staging\"}", 0, 10_000)).isZero();
    assertThat(total("{service_name=\"a\", env=\"dev\"}", 0, 10_000)).isZero();
  }

  @Test
  void regexMatchers() {
    assertThat(total("{service_name=~\"a|b\"}", 0, 10_000)).isEqualTo(17);
    assertThat(total("{service_name!~\"a|b\"}", 0, 10_000)).isEqualTo(100);
    assertThat(total("{env=~\".+\"}", 0, 10_000)).isEqualTo(17);
    assertThat(total("{service_name=~\"a\", env!~\"dev\"}", 0, 10_000)).isEqualTo(7);
  }

  @Test
  void theProfileTypeIsPartOfTheSelection() {
    long memory = TreeFacts.total(querier.mergeTree(head,
        tree(select("{env=\"prod\"}", "memory:inuse_space:bytes::", 0, 10_000), 0)).getTree());
    assertThat(memory).isEqualTo(1000);
  }

  @Test
  void timeRangeIncludesBothEnds() {
    assertThat(total("{}", 1000, 2000)).isEqualTo(1 + 2 + 10);
    assertThat(total("{}", 1001, 2999)).isEqualTo(2 + 10 + 100);
    assertThat(total("{}", 2000, 2000)).isEqualTo(12);
    assertThat(total("{}", 3000, 3000)).isEqualTo(4);
    assertThat(total("{}", 3001, 9000)).isZero();
    assertThat(total("{}", 2000, 1000)).isZero();
  }

  @Test
  void selectSeriesStepsCoverTheStepEndingAtEachPoint() {
    // Points 1000, 2000, 3000; each covers (t - 1000, t].
    List<PartialSeries> out = querier.selectSeries(head,
        Requests.series(select("{}", CPU, 1000, 3000), 1000)).getSeriesList();

    assertThat(out).hasSize(1);
    assertThat(points(out.get(0))).containsExactly("1000=1.0/1", "2000=12.0/2", "3000=104.0/2");
  }

  @Test
  void selectSeriesIncludesProfilesFromOneStepBeforeStart() {
    // The first point covers [start - step, start] (Pyroscope reads from start - step): the
    // profile at exactly 1000 ms counts in point 2000 together with the one at 2000 ms.
    List<PartialSeries> out = querier.selectSeries(head,
        Requests.series(select("{service_name=\"a\"}", CPU, 2000, 2999), 1000)).getSeriesList();
    assertThat(points(out.get(0))).containsExactly("2000=3.0/2");

    // With a 1500 ms step, point 1500 covers (0, 1500]: 1000 ms counts although it is before start.
    out = querier.selectSeries(head, Requests.series(select("{service_name=\"a\"}", CPU, 1500, 3000), 1500))
        .getSeriesList();
    assertThat(points(out.get(0))).containsExactly("1500=1.0/1", "3000=6.0/2");
  }

  @Test
  void selectSeriesGroupsByLabels() {
    List<PartialSeries> out = querier.selectSeries(head,
        Requests.series(select("{}", CPU, 1000, 3000), 1000, "env")).getSeriesList();

    assertThat(out).hasSize(3);
    // Sorted by labels: the group without env first.
    assertThat(out.get(0).getLabelsList()).isEmpty();
    assertThat(points(out.get(0))).containsExactly("3000=100.0/1");
    assertThat(Labels.fromProto(out.get(1).getLabelsList())).isEqualTo(Labels.of("env", "dev"));
    assertThat(points(out.get(1))).containsExactly("2000=10.0/1");
    assertThat(Labels.fromProto(out.get(2).getLabelsList())).isEqualTo(Labels.of("env", "prod"));
    assertThat(points(out.get(2))).containsExactly("1000=1.0/1", "2000=2.0/1", "3000=4.0/1");
  }

  @Test
  void badSelectorsAndStepsAreInvalidArguments() {
    assertInvalid(() -> total("{env=\"prod\"", 0, 1));
    assertInvalid(() -> total("", 0, 1));
    assertInvalid(() -> querier.mergeTree(head, tree(select("{}", "process_cpu:cpu", 0, 1), 0)));
    assertInvalid(() -> querier.selectSeries(head, Requests.series(select("{}", CPU, 0, 1), 0)));
  }

  private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOfSatisfying(FlarestackException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }

  private static List<String> points(PartialSeries s) {
    List<String> out = new ArrayList<>();
    for (PartialPoint p : s.getPointsList()) {
      out.add(p.getTimestamp() + "=" + p.getSum() + "/" + p.getCount());
    }
    return out;
  }
}
