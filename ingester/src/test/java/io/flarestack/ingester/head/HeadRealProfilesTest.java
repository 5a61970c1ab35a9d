package io.flarestack.ingester.head;

import static io.flarestack.ingester.testing.Requests.pprof;
import static io.flarestack.ingester.testing.Requests.select;
import static io.flarestack.ingester.testing.Requests.series;
import static io.flarestack.ingester.testing.Requests.tree;
import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.ingester.v1.FunctionTree;
import io.flarestack.api.ingester.v1.PartialPoint;
import io.flarestack.api.ingester.v1.PartialSeries;
import io.flarestack.api.ingester.v1.SelectProfilesRequest;
import io.flarestack.common.model.Labels;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.common.testing.TreeFacts;
import io.flarestack.ingester.query.HeadQuerier;
import io.flarestack.ingester.testing.Requests;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real profiles in, merged results out: for every stored profile type the tree, the time
 * series and the pprof agree with sums and collapsed stacks computed straight from the input.
 */
class HeadRealProfilesTest {
  private static final Profile JAVA = SharedTestData.pprof("java/cpu.pb.gz");
  private static final Profile GO_CPU = SharedTestData.pprof("go/cpu.pb.gz");
  private static final Profile HEAP = SharedTestData.pprof("go/heap.pb.gz");

  private static final HeadQuerier querier = new HeadQuerier();
  private static TenantHead head;

  @BeforeAll
  static void pushAll() {
    Head h = new Head(0, new SimpleMeterRegistry());
    h.append("t", Requests.push(
        series(Labels.of("__name__", "process_cpu", "service_name", "java-app"), JAVA),
        series(Labels.of("__name__", "process_cpu", "service_name", "go-app"), GO_CPU),
        series(Labels.of("__name__", "memory", "service_name", "go-app", "__delta__", "false"), HEAP)));
    head = h.find("t");
  }

  static Stream<Arguments> types() {
    return Stream.of(
        Arguments.of("java-app", JAVA, 0, "process_cpu:cpu:nanoseconds:cpu:nanoseconds"),
        Arguments.of("go-app", GO_CPU, 0, "process_cpu:samples:count:cpu:nanoseconds"),
        Arguments.of("go-app", GO_CPU, 1, "process_cpu:cpu:nanoseconds:cpu:nanoseconds"),
        Arguments.of("go-app", HEAP, 0, "memory:alloc_objects:count:space:bytes"),
        Arguments.of("go-app", HEAP, 1, "memory:alloc_space:bytes:space:bytes"),
        Arguments.of("go-app", HEAP, 2, "memory:inuse_objects:count:space:bytes"),
        Arguments.of("go-app", HEAP, 3, "memory:inuse_space:bytes:space:bytes"));
  }

  @ParameterizedTest(name = "{3} of {0}")
  @MethodSource("types")
  void mergeTreeEqualsTheInput(String service, Profile input, int valueIndex, String type) {
    FunctionTree t = querier.mergeTree(head, tree(selectAll(service, type), 0)).getTree();

    assertThat(TreeFacts.total(t)).isEqualTo(PprofFacts.total(input, valueIndex));
    assertThat(TreeFacts.collapsed(t)).isEqualTo(PprofFacts.collapsed(input, valueIndex));
  }

  @ParameterizedTest(name = "{3} of {0}")
  @MethodSource("types")
  void selectSeriesSumsTheProfileTotal(String service, Profile input, int valueIndex, String type) {
    long ms = Math.floorDiv(input.getTimeNanos(), 1_000_000L);
    List<PartialSeries> out = querier.selectSeries(head,
        Requests.series(select("{service_name=\"" + service + "\"}", type, ms, ms), 1000)).getSeriesList();

    assertThat(out).hasSize(1);
    assertThat(out.get(0).getLabelsList()).isEmpty();
    PartialPoint point = out.get(0).getPoints(0);
    assertThat(out.get(0).getPointsList()).hasSize(1);
    assertThat(point.getTimestamp()).isEqualTo(ms);
    assertThat(point.getSum()).isEqualTo((double) PprofFacts.total(input, valueIndex));
    assertThat(point.getCount()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{3} of {0}")
  @MethodSource("types")
  void mergePprofIsAValidProfileWithTheInputStacks(String service, Profile input, int valueIndex, String type)
      throws Exception {
    Profile out = Profile.parseFrom(querier.mergePprof(head, pprof(selectAll(service, type), 0)).toByteArray());

    String[] parts = type.split(":");
    assertThat(out.getSampleTypeCount()).isEqualTo(1);
    assertThat(out.getStringTable((int) out.getSampleType(0).getType())).isEqualTo(parts[1]);
    assertThat(out.getStringTable((int) out.getSampleType(0).getUnit())).isEqualTo(parts[2]);
    assertThat(out.getStringTable((int) out.getPeriodType().getType())).isEqualTo(parts[3]);
    assertThat(out.getStringTable((int) out.getPeriodType().getUnit())).isEqualTo(parts[4]);
    assertThat(out.getPeriod()).isEqualTo(input.getPeriod());
    assertThat(out.getStringTable(0)).isEmpty();
    assertReferencesResolve(out);
    assertThat(PprofFacts.collapsed(out, 0)).isEqualTo(PprofFacts.collapsed(input, valueIndex));
  }

  private static SelectProfilesRequest.Builder selectAll(String service, String type) {
    return select("{service_name=\"" + service + "\"}", type, 0, Long.MAX_VALUE);
  }

  static void assertReferencesResolve(Profile out) {
    Set<Long> locations = new HashSet<>();
    for (Location l : out.getLocationList()) {
      assertThat(l.getId()).isEqualTo(locations.size() + 1);
      locations.add(l.getId());
      assertThat(l.getMappingId()).isBetween(0L, (long) out.getMappingCount());
      l.getLineList().forEach(line -> assertThat(line.getFunctionId()).isBetween(1L, (long) out.getFunctionCount()));
    }
    for (Sample s : out.getSampleList()) {
      assertThat(s.getValueCount()).isEqualTo(1);
      assertThat(s.getValue(0)).isNotZero();
      assertThat(locations).containsAll(s.getLocationIdList());
    }
    out.getFunctionList().forEach(f -> assertThat(f.getName()).isBetween(0L, (long) out.getStringTableCount() - 1));
  }
}
