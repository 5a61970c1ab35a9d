package io.flarestack.common.edge.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.querier.v1.DiffRequest;
import io.flarestack.api.querier.v1.SelectSeriesRequest;
import io.flarestack.api.types.v1.TimeSeriesAggregationType;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.io.RequestGuards;
import io.flarestack.common.io.RequestMemory;
import io.grpc.protobuf.ProtoUtils;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** JSON request bodies: an enum value that names nothing is refused, not read as the default. */
class JsonEnumValuesTest {
  @Test
  void unknownEnumNamesAreRefusedNamingTheField() {
    assertRefused(SelectSeriesRequest.getDefaultInstance(), "{\"aggregation\":\"BOGUS\"}",
        "invalid value \"BOGUS\" for aggregation", "types.v1.TimeSeriesAggregationType",
        "TIME_SERIES_AGGREGATION_TYPE_SUM, TIME_SERIES_AGGREGATION_TYPE_AVERAGE");
    assertRefused(SelectSeriesRequest.getDefaultInstance(), "{\"exemplarType\":true}", "for exemplar_type");
    assertRefused(SelectSeriesRequest.getDefaultInstance(), "{\"aggregation\":1.5}", "invalid value 1.5 for aggregation");
    assertRefused(SelectSeriesRequest.getDefaultInstance(), "{\"aggregation\":\"1e-999999999\"}", "for aggregation");
    assertRefused(DiffRequest.getDefaultInstance(), "{\"left\":{\"format\":\"PROFILE_FORMAT_FUNCTIONS\"}}",
        "invalid value \"PROFILE_FORMAT_FUNCTIONS\" for left.format");
    assertRefused(DiffRequest.getDefaultInstance(), "{\"right\":{\"async\":{\"type\":\"LATER\"}}}", "for right.async.type");
  }

  @Test
  void knownNamesNumbersAndUnknownFieldsStillParse() {
    assertThat(parse(SelectSeriesRequest.getDefaultInstance(), "{\"aggregation\":\"TIME_SERIES_AGGREGATION_TYPE_AVERAGE\"}")
        .getAggregation()).isEqualTo(TimeSeriesAggregationType.TIME_SERIES_AGGREGATION_TYPE_AVERAGE);
    assertThat(parse(SelectSeriesRequest.getDefaultInstance(), "{\"aggregation\":1}").getAggregationValue()).isEqualTo(1);
    // A number the enum lacks survives parsing (the service refuses it, naming the field).
    assertThat(parse(SelectSeriesRequest.getDefaultInstance(), "{\"aggregation\":\"99\"}").getAggregationValue()).isEqualTo(99);
    assertThat(parse(SelectSeriesRequest.getDefaultInstance(), "{\"aggregation\":null,\"frameFilter\":\"BOGUS\"}")
        .hasAggregation()).isFalse();
    assertThat(parse(SelectSeriesRequest.getDefaultInstance(), "{\"profile_typeID\":\"a:b:c:d:e\"}").getProfileTypeID())
        .isEqualTo("a:b:c:d:e");
    // Messages without enums are not looked at.
    assertThat(parse(PushRequest.getDefaultInstance(), "{\"series\":[]}").getSeriesCount()).isZero();
  }

  private static <T extends com.google.protobuf.Message> T parse(T prototype, String json) {
    return MessageCodec.parse(ProtoUtils.marshaller(prototype), json.getBytes(StandardCharsets.UTF_8), true,
        new RequestGuards(), RequestMemory.unbounded());
  }

  private static void assertRefused(com.google.protobuf.Message prototype, String json, String... parts) {
    assertThatThrownBy(() -> parse(prototype, json)).isInstanceOfSatisfying(FlarestackException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      for (String p : parts) {
        assertThat(e.getMessage()).contains(p);
      }
    });
  }
}
