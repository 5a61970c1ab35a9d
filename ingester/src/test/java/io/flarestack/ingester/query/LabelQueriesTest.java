package io.flarestack.ingester.query;

import static io.flarestack.ingester.testing.Requests.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.api.querier.v1.ProfileTypesRequest;
import io.flarestack.api.querier.v1.SeriesRequest;
import io.flarestack.api.types.v1.GetProfileStatsResponse;
import io.flarestack.api.types.v1.LabelNamesRequest;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.api.types.v1.LabelValuesRequest;
import io.flarestack.api.types.v1.ProfileType;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.Labels;
import io.flarestack.ingester.head.Head;
import io.flarestack.ingester.head.TenantHead;
import io.flarestack.ingester.testing.Requests;
import io.flarestack.ingester.testing.TestPprof;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ProfileTypes, LabelNames, LabelValues, Series and GetProfileStats over the head. */
class LabelQueriesTest {
  private final HeadQuerier querier = new HeadQuerier();
  private TenantHead head;

  /**
   * api{env=prod} cpu at 1000 ms; web{env=dev} cpu at 5000 ms; web memory (no period type, sent
   * with the control labels __delta__ and __otel__) at 9000 ms.
   */
  @BeforeEach
  void setUp() {
    Head h = new Head(0, new SimpleMeterRegistry());
    h.append("t", Requests.push(
        series(Labels.of("__name__", "process_cpu", "service_name", "api", "env", "prod"),
            TestPprof.cpu().timeMillis(1000).sample(1, "main").build()),
        series(Labels.of("__name__", "process_cpu", "service_name", "web", "env", "dev"),
            TestPprof.cpu().timeMillis(5000).sample(1, "main").build()),
        series(Labels.of("__name__", "memory", "service_name", "web", "__delta__", "false", "__otel__", "true"),
            TestPprof.empty().sampleType("inuse_space", "bytes").timeMillis(9000).sample(1, "main").build())));
    head = h.find("t");
  }

  @Test
  void storedSeriesCarryTheIngesterLabels() {
    List<Labels> all = new ArrayList<>();
    head.series().forEach(s -> all.add(s.labels()));

    assertThat(all).containsExactlyInAnyOrder(
        Labels.of("__name__", "process_cpu", "service_name", "api", "__service_name__", "api", "env", "prod",
            "__profile_type__", "process_cpu:cpu:nanoseconds:cpu:nanoseconds", "__type__", "cpu",
            "__unit__", "nanoseconds", "__period_type__", "cpu", "__period_unit__", "nanoseconds"),
        Labels.of("__name__", "process_cpu", "service_name", "web", "__service_name__", "web", "env", "dev",
            "__profile_type__", "process_cpu:cpu:nanoseconds:cpu:nanoseconds", "__type__", "cpu",
            "__unit__", "nanoseconds", "__period_type__", "cpu", "__period_unit__", "nanoseconds"),
        Labels.of("__name__", "memory", "service_name", "web", "__service_name__", "web",
            "__profile_type__", "memory:inuse_space:bytes::", "__type__", "inuse_space", "__unit__", "bytes"));
  }

  @Test
  void profileTypesInRange() {
    assertThat(ids(querier.profileTypes(head, ProfileTypesRequest.newBuilder().build()).getProfileTypesList()))
        .containsExactly("memory:inuse_space:bytes::", "process_cpu:cpu:nanoseconds:cpu:nanoseconds");
    assertThat(ids(querier.profileTypes(head, ProfileTypesRequest.newBuilder().setStart(1000).setEnd(5000).build())
        .getProfileTypesList())).containsExactly("process_cpu:cpu:nanoseconds:cpu:nanoseconds");
    assertThat(querier.profileTypes(head, ProfileTypesRequest.newBuilder().setStart(1000).setEnd(4000).build())
        .getProfileTypes(0)).isEqualTo(ProfileType.newBuilder().setID("process_cpu:cpu:nanoseconds:cpu:nanoseconds")
        .setName("process_cpu").setSampleType("cpu").setSampleUnit("nanoseconds").setPeriodType("cpu")
        .setPeriodUnit("nanoseconds").build());
    assertThat(querier.profileTypes(head, ProfileTypesRequest.newBuilder().setStart(1001).setEnd(4999).build())
        .getProfileTypesList()).isEmpty();
    assertThat(querier.profileTypes(null, ProfileTypesRequest.newBuilder().build()).getProfileTypesList()).isEmpty();
  }

  @Test
  void labelNamesOrTheSelectors() {
    assertThat(names(List.of())).containsExactly("__name__", "__period_type__", "__period_unit__", "__profile_type__",
        "__service_name__", "__type__", "__unit__", "env", "service_name");
    assertThat(names(List.of("{}"))).isEqualTo(names(List.of()));
    assertThat(names(List.of("{__name__=\"memory\"}"))).containsExactly("__name__", "__profile_type__",
        "__service_name__", "__type__", "__unit__", "service_name");
    assertThat(names(List.of("{__name__=\"memory\"}", "{env=\"dev\"}"))).contains("env", "__period_type__");
    assertThat(querier.labelNames(head, LabelNamesRequest.newBuilder().setStart(9000).setEnd(9000).build())
        .getNamesList()).doesNotContain("env");
  }

  @Test
  void labelValuesAreSortedUniqueAndNonEmpty() {
    assertThat(values("service_name", List.of())).containsExactly("api", "web");
    assertThat(values("env", List.of())).containsExactly("dev", "prod");
    assertThat(values("env", List.of("{service_name=\"web\"}"))).containsExactly("dev");
    assertThat(values("env", List.of("{service_name=\"api\"}", "{service_name=\"web\"}"))).containsExactly("dev", "prod");
    assertThat(values("missing", List.of())).isEmpty();
    assertThatThrownBy(() -> values("", List.of())).isInstanceOfSatisfying(FlarestackException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThatThrownBy(() -> values("env", List.of("{env=")))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }

  @Test
  void seriesAreProjectedAndDeduplicated() {
    List<List<LabelPair>> sets = seriesSets(List.of(), List.of("service_name", "__profile_type__"));
    assertThat(sets).containsExactlyInAnyOrder(
        pairs("service_name", "api", "__profile_type__", "process_cpu:cpu:nanoseconds:cpu:nanoseconds"),
        pairs("service_name", "web", "__profile_type__", "process_cpu:cpu:nanoseconds:cpu:nanoseconds"),
        pairs("service_name", "web", "__profile_type__", "memory:inuse_space:bytes::"));

    assertThat(seriesSets(List.of(), List.of("service_name"))).containsExactlyInAnyOrder(
        pairs("service_name", "api"), pairs("service_name", "web"));
    assertThat(seriesSets(List.of("{env=\"prod\"}"), List.of())).hasSize(1);
    assertThat(Labels.fromProto(seriesSets(List.of("{env=\"prod\"}"), List.of()).get(0))).isEqualTo(head.series().get(0).labels());
  }

  @Test
  void profileStats() {
    GetProfileStatsResponse s = querier.profileStats(head);
    assertThat(s.getDataIngested()).isTrue();
    assertThat(s.getOldestProfileTime()).isEqualTo(1000);
    assertThat(s.getNewestProfileTime()).isEqualTo(9000);

    GetProfileStatsResponse none = querier.profileStats(null);
    assertThat(none.getDataIngested()).isFalse();
    assertThat(none.getOldestProfileTime()).isEqualTo(Long.MAX_VALUE);
    assertThat(none.getNewestProfileTime()).isEqualTo(Long.MIN_VALUE);
  }

  private List<String> names(List<String> matchers) {
    return querier.labelNames(head, LabelNamesRequest.newBuilder().addAllMatchers(matchers).build()).getNamesList();
  }

  private List<String> values(String name, List<String> matchers) {
    return querier.labelValues(head, LabelValuesRequest.newBuilder().setName(name).addAllMatchers(matchers).build())
        .getNamesList();
  }

  private List<List<LabelPair>> seriesSets(List<String> matchers, List<String> names) {
    List<List<LabelPair>> out = new ArrayList<>();
    querier.series(head, SeriesRequest.newBuilder().addAllMatchers(matchers).addAllLabelNames(names).build())
        .getLabelsSetList().forEach(l -> out.add(l.getLabelsList()));
    return out;
  }

  private static List<LabelPair> pairs(String... nv) {
    List<LabelPair> out = new ArrayList<>();
    for (int i = 0; i < nv.length; i += 2) {
      out.add(LabelPair.newBuilder().setName(nv[i]).setValue(nv[i + 1]).build());
    }
    return out;
  }

  private static List<String> ids(List<ProfileType> types) {
    List<String> out = new ArrayList<>();
    types.forEach(t -> out.add(t.getID()));
    return out;
  }
}
