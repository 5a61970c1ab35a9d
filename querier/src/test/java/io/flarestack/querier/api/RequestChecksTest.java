package io.flarestack.querier.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.api.querier.v1.AsyncQueryRequest;
import io.flarestack.api.querier.v1.DiffRequest;
import io.flarestack.api.querier.v1.ProfileFormat;
import io.flarestack.api.querier.v1.SelectMergeStacktracesRequest;
import io.flarestack.api.querier.v1.SelectSeriesRequest;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.limits.Limits;
import io.flarestack.common.model.series.Steps;
import io.flarestack.querier.QueryRange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class RequestChecksTest {
  @Test
  void unknownEnumNumbersAreRefusedAtAnyDepthNamingTheField() {
    RequestChecks.knownEnums(SelectSeriesRequest.newBuilder().setAggregationValue(1).build());
    assertRefused(() -> RequestChecks.knownEnums(SelectSeriesRequest.newBuilder().setAggregationValue(7).build()),
        ErrorCode.INVALID_ARGUMENT, "invalid value 7 for aggregation", "TIME_SERIES_AGGREGATION_TYPE_AVERAGE");
    assertRefused(() -> RequestChecks.knownEnums(SelectSeriesRequest.newBuilder().setExemplarTypeValue(-3).build()),
        ErrorCode.INVALID_ARGUMENT, "invalid value -3 for exemplar_type");
    DiffRequest diff = DiffRequest.newBuilder()
        .setLeft(SelectMergeStacktracesRequest.getDefaultInstance())
        .setRight(SelectMergeStacktracesRequest.newBuilder().setFormatValue(99)).build();
    assertRefused(() -> RequestChecks.knownEnums(diff), ErrorCode.INVALID_ARGUMENT, "invalid value 99 for right.format");
    SelectMergeStacktracesRequest async = SelectMergeStacktracesRequest.newBuilder()
        .setAsync(AsyncQueryRequest.newBuilder().setTypeValue(12)).build();
    assertRefused(() -> RequestChecks.knownEnums(async), ErrorCode.INVALID_ARGUMENT, "invalid value 12 for async.type");
  }

  @Test
  void formatsThatAreNotBuiltSaySoPlainly() {
    RequestChecks.format(ProfileFormat.PROFILE_FORMAT_TREE, 2);
    assertRefused(() -> RequestChecks.format(ProfileFormat.PROFILE_FORMAT_DOT, 3), ErrorCode.UNIMPLEMENTED,
        "PROFILE_FORMAT_DOT is not implemented in Flarestack");
    assertRefused(() -> RequestChecks.format(ProfileFormat.UNRECOGNIZED, 99), ErrorCode.INVALID_ARGUMENT,
        "invalid value 99 for format");
    RequestChecks.noIdSelectors(0, 0);
    assertRefused(() -> RequestChecks.noIdSelectors(1, 0), ErrorCode.UNIMPLEMENTED, "profile_id_selector is not implemented");
    assertRefused(() -> RequestChecks.noIdSelectors(0, 10_000), ErrorCode.UNIMPLEMENTED, "trace_id_selector is not implemented");
  }

  @Test
  void stepsMustBeFiniteAndAtLeastAMillisecond() {
    RequestChecks.step(0.001);
    RequestChecks.step(1e18);
    for (double bad : new double[] {0, -15, 0.0009, 1e-9, -0.0}) {
      assertRefused(() -> RequestChecks.step(bad), ErrorCode.INVALID_ARGUMENT, "step must be at least 0.001 seconds", "" + bad);
    }
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      assertThatThrownBy(() -> RequestChecks.step(bad)).hasMessageContaining("step must be").hasMessageContaining("" + bad);
    }
    assertRefused(() -> RequestChecks.step(Double.POSITIVE_INFINITY), ErrorCode.INVALID_ARGUMENT, "finite");
  }

  @Test
  void stepsLongerThanTheRangeAndTheLengthLimitAreCut() {
    Limits limits = Limits.defaults(); // max_query_length 1 day
    long day = 86_400_000;
    QueryRange hour = new QueryRange(10 * day, 10 * day + 3_600_000, false);
    assertThat(RequestChecks.boundedStep(15_000, hour, limits)).isEqualTo(15_000);
    assertThat(RequestChecks.boundedStep(3_600_001, hour, limits)).isEqualTo(3_600_001);
    assertThat(RequestChecks.boundedStep(2 * day, hour, limits)).isEqualTo(day);
    assertThat(RequestChecks.boundedStep(Steps.stepMillis(1e18), hour, limits)).isEqualTo(day);
    QueryRange fullDay = new QueryRange(10 * day, 11 * day, false);
    assertThat(RequestChecks.boundedStep(5 * day, fullDay, limits)).isEqualTo(day + 1); // still longer than the range
  }

  @Test
  void limitsAndGroupBySizes() {
    RequestChecks.limit(0);
    RequestChecks.limit(1_000_000_000_000L);
    assertRefused(() -> RequestChecks.limit(-1), ErrorCode.INVALID_ARGUMENT, "limit must not be negative, got -1");
    RequestChecks.groupBy(Collections.nCopies(RequestChecks.MAX_GROUP_BY, "x"));
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      many.add("label" + i);
    }
    assertRefused(() -> RequestChecks.groupBy(many), ErrorCode.INVALID_ARGUMENT, "group_by lists 10000 label names",
        "at most " + RequestChecks.MAX_GROUP_BY);
  }

  private static void assertRefused(ThrowingCallable call, ErrorCode code, String... parts) {
    assertThatThrownBy(call).isInstanceOfSatisfying(FlarestackException.class, e -> {
      assertThat(e.code()).isEqualTo(code);
      for (String p : parts) {
        assertThat(e.getMessage()).contains(p);
      }
    });
  }
}
