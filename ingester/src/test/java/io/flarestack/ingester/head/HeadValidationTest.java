package io.flarestack.ingester.head;

import static io.flarestack.ingester.testing.Requests.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.api.google.v1.Label;
import io.flarestack.api.google.v1.Line;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.ingester.v1.NormalizedProfile;
import io.flarestack.api.ingester.v1.ProfileSeries;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.Labels;
import io.flarestack.ingester.testing.Requests;
import io.flarestack.ingester.testing.TestPprof;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Malformed input is rejected as invalid_argument and leaves nothing behind. */
class HeadValidationTest {
  private static final Labels LABELS = Labels.of("__name__", "process_cpu", "service_name", "svc");
  private final Head head = new Head(0, new SimpleMeterRegistry());

  private static Profile valid() {
    return TestPprof.cpu().timeMillis(1000).sample(5, "main", "work").sample(7, "main", "idle").build();
  }

  static Stream<Arguments> corruptions() {
    return Stream.of(
        Arguments.of("sample location out of range", "location id 99",
            (UnaryOperator<Profile>) p -> p.toBuilder().setSample(0, p.getSample(0).toBuilder().setLocationId(0, 99)).build()),
        Arguments.of("line function out of range", "function id 42",
            (UnaryOperator<Profile>) p -> p.toBuilder().setLocation(1, p.getLocation(1).toBuilder()
                .setLine(0, Line.newBuilder().setFunctionId(42))).build()),
        Arguments.of("function name outside the string table", "function[0].name",
            (UnaryOperator<Profile>) p -> p.toBuilder().setFunction(0, p.getFunction(0).toBuilder().setName(1000)).build()),
        Arguments.of("sample type unit outside the string table", "sample_type[0].unit",
            (UnaryOperator<Profile>) p -> p.toBuilder().setSampleType(0, p.getSampleType(0).toBuilder().setUnit(-1)).build()),
        Arguments.of("value count differs from sample types", "has 2 values",
            (UnaryOperator<Profile>) p -> p.toBuilder().setSample(1, p.getSample(1).toBuilder().addValue(1)).build()),
        Arguments.of("location mapping undefined", "mapping id 3",
            (UnaryOperator<Profile>) p -> p.toBuilder().setLocation(0, p.getLocation(0).toBuilder().setMappingId(3)).build()),
        Arguments.of("label string outside the string table", "label[0].str",
            (UnaryOperator<Profile>) p -> p.toBuilder().setSample(0, p.getSample(0).toBuilder()
                .addLabel(Label.newBuilder().setKey(0).setStr(500))).build()),
        Arguments.of("duplicate location ids", "defined twice",
            (UnaryOperator<Profile>) p -> p.toBuilder().setLocation(1, p.getLocation(1).toBuilder().setId(1)).build()),
        Arguments.of("no sample types", "no sample types",
            (UnaryOperator<Profile>) p -> p.toBuilder().clearSampleType()
                .clearSample().addSample(Sample.newBuilder()).build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corruptions")
  void corruptProfilesAreRejectedWithoutPartialState(String what, String message, UnaryOperator<Profile> corrupt) {
    // A valid series first and the corrupt one second: neither may be stored.
    ProfileSeries good = series(LABELS, valid());
    ProfileSeries bad = series(Labels.of("__name__", "process_cpu", "service_name", "other"), corrupt.apply(valid()));

    assertThatThrownBy(() -> head.append("t", Requests.push(good, bad)))
        .isInstanceOfSatisfying(FlarestackException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
          assertThat(e.getMessage()).contains(message);
        });
    TenantHead th = head.find("t");
    assertThat(th.seriesCount()).isZero();
    assertThat(th.profileCount()).isZero();
    assertThat(th.partitions()).isEmpty();
  }

  @Test
  void aSeriesWithoutNameIsRejected() {
    assertThatThrownBy(() -> head.append("t", Requests.push(series(Labels.of("service_name", "svc"), valid()))))
        .isInstanceOfSatisfying(FlarestackException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
          assertThat(e.getMessage()).contains("__name__");
        });
  }

  @Test
  void aProfileWithoutPprofIsRejected() {
    ProfileSeries s = ProfileSeries.newBuilder().addAllLabels(LABELS.toProto())
        .addProfiles(NormalizedProfile.newBuilder().setId("p1")).build();
    assertThatThrownBy(() -> head.append("t", Requests.push(s)))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }

  @Test
  void theSeriesLimitIsEnforcedBeforeAnythingIsStored() {
    Head limited = new Head(2, new SimpleMeterRegistry());
    limited.append("t", Requests.push(series(LABELS, valid())));

    // Two more series in one push: the second exceeds the limit of 2.
    ProfileSeries a = series(Labels.of("__name__", "process_cpu", "service_name", "a"), valid());
    ProfileSeries b = series(Labels.of("__name__", "process_cpu", "service_name", "b"), valid());
    assertThatThrownBy(() -> limited.append("t", Requests.push(a, b)))
        .isInstanceOfSatisfying(FlarestackException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
          assertThat(e.getMessage()).contains("limit of 2");
        });
    TenantHead th = limited.find("t");
    assertThat(th.profileCount()).isEqualTo(1);
    assertThat(th.series()).filteredOn(s -> s.rows().count() > 0).hasSize(1);
    // Another tenant has its own budget.
    limited.append("u", Requests.push(a, b));
    assertThat(limited.find("u").profileCount()).isEqualTo(2);
  }

  @Test
  void zeroValuesAndDuplicateStacksAreMergedAway() {
    Profile p = TestPprof.cpu().timeMillis(1000)
        .sample(5, "main", "work").sample(0, "main", "idle").sample(7, "main", "work").build();
    head.append("t", Requests.push(series(LABELS, p)));

    ProfileRow row = head.find("t").series().get(0).rows().row(0);
    assertThat(row.sampleCount()).isEqualTo(1);
    assertThat(row.value(0)).isEqualTo(12);
    assertThat(row.total()).isEqualTo(12);
    assertThat(row.hasSpans()).isFalse();
    assertThat(row.timeNanos()).isEqualTo(1_000_000_000L);
  }

  @Test
  void samplesWithDifferentSpansStayApart() {
    Profile p = TestPprof.cpu().timeMillis(1000)
        .sampleWithSpan("0100000000000000", 5, "main").sampleWithSpan("0200000000000000", 7, "main")
        .sampleWithSpan("0100000000000000", 1, "main").sample(2, "main").build();
    head.append("t", Requests.push(series(LABELS, p)));

    ProfileRow row = head.find("t").series().get(0).rows().row(0);
    assertThat(row.sampleCount()).isEqualTo(3);
    assertThat(row.hasSpans()).isTrue();
    assertThat(row.stackId(0)).isEqualTo(row.stackId(1)).isEqualTo(row.stackId(2));
    // Sorted by span id within the stack: none (0), then 1, then 2 (little-endian byte order).
    assertThat(new long[] {row.spanId(0), row.spanId(1), row.spanId(2)}).containsExactly(0, 1, 2);
    assertThat(new long[] {row.value(0), row.value(1), row.value(2)}).containsExactly(2, 6, 7);
  }
}
