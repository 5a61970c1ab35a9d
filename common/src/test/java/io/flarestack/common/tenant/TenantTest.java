package io.flarestack.common.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.grpc.Metadata;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenantTest {
  @Test
  void oneValueIsTheTenant() {
    assertThat(Tenant.resolve(true, List.of("tenant-a"))).isEqualTo("tenant-a");
    assertThat(Tenant.resolve(true, List.of(" tenant-a "))).isEqualTo("tenant-a");
  }

  @Test
  void theSameIdRepeatedIsNotAmbiguous() {
    assertThat(Tenant.resolve(true, List.of("tenant-a", "tenant-a"))).isEqualTo("tenant-a");
    assertThat(Tenant.resolve(true, List.of("tenant-a, tenant-a"))).isEqualTo("tenant-a");
  }

  @Test
  void twoHeadersWithDifferentIdsAreRefusedNamingBoth() {
    assertAmbiguous(List.of("tenant-a", "tenant-b"), "\"tenant-a\" and \"tenant-b\"");
  }

  @Test
  void aProxysCommaJoinedFieldIsRefusedNamingBoth() {
    assertAmbiguous(List.of("tenant-a, tenant-b"), "\"tenant-a\" and \"tenant-b\"");
    assertAmbiguous(List.of("tenant-a,tenant-b", "tenant-a"), "\"tenant-a\" and \"tenant-b\"");
  }

  @Test
  void anEmptyValueBesideAnIdIsAmbiguousToo() {
    assertAmbiguous(List.of("", "tenant-b"), "\"\" and \"tenant-b\"");
  }

  @Test
  void thousandsOfValuesGiveAShortMessage() {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      values.add("t" + i);
    }
    FlarestackException e = ambiguous(values);
    assertThat(e.getMessage()).contains("10000 different").contains("\"t0\", \"t1\"").contains("and 9995 more")
        .hasSizeLessThan(300);
  }

  @Test
  void missingOrEmptyIsUnauthenticated() {
    assertUnauthenticated(List.of(), "no org id");
    assertUnauthenticated(List.of(""), "no org id");
    assertUnauthenticated(List.of(" ", ""), "no org id");
  }

  @Test
  void pipeJoinedAndInvalidIdsStayUnauthenticated() {
    assertUnauthenticated(List.of("a|b"), "multiple org ids are not supported for this request: a|b");
    assertUnauthenticated(List.of("../x"), "contains unsupported character '/'");
    assertUnauthenticated(List.of(".."), "tenant id .. is not allowed");
    assertUnauthenticated(List.of("x".repeat(151)), "too long: 151 characters, the limit is 150");
  }

  @Test
  void withMultitenancyOffTheHeaderIsIgnoredEvenWhenAmbiguous() {
    // Pyroscope ignores X-Scope-OrgID when multitenancy is off; so does Flarestack, whatever it holds.
    assertThat(Tenant.resolve(false, List.of("tenant-a", "tenant-b"))).isEqualTo(Tenant.ANONYMOUS);
    assertThat(Tenant.resolve(false, List.of("a, b"))).isEqualTo(Tenant.ANONYMOUS);
    assertThat(Tenant.resolve(false, List.of("../x"))).isEqualTo(Tenant.ANONYMOUS);
    assertThat(Tenant.resolve(false, List.of())).isEqualTo(Tenant.ANONYMOUS);
  }

  @Test
  void httpRequestsContributeEveryValueOfTheHeader() {
    HttpRequest two = new HttpRequest("POST", "/ingest", Map.of(),
        Map.of("x-scope-orgid", List.of("tenant-a", "tenant-b")), new byte[0]);
    assertThatThrownBy(() -> Tenant.resolve(true, two.headerValues(Tenant.HEADER))).isInstanceOfSatisfying(FlarestackException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    HttpRequest one = new HttpRequest("POST", "/ingest", Map.of(), Map.of("x-scope-orgid", List.of("tenant-a")),
        new byte[0]);
    assertThat(Tenant.resolve(true, one.headerValues(Tenant.HEADER))).isEqualTo("tenant-a");
    HttpRequest none = new HttpRequest("POST", "/ingest", Map.of(), Map.of(), new byte[0]);
    assertThatThrownBy(() -> Tenant.resolve(true, none.headerValues(Tenant.HEADER))).hasMessage("no org id");
  }

  @Test
  void grpcMetadataContributesEveryEntry() {
    Metadata md = new Metadata();
    md.put(Tenant.METADATA_KEY, "tenant-a");
    assertThat(Tenant.resolve(true, md)).isEqualTo("tenant-a");
    md.put(Tenant.METADATA_KEY, "tenant-b");
    assertThatThrownBy(() -> Tenant.resolve(true, md)).isInstanceOfSatisfying(FlarestackException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThatThrownBy(() -> Tenant.resolve(true, new Metadata())).hasMessage("no org id");
    assertThat(Tenant.resolve(false, md)).isEqualTo(Tenant.ANONYMOUS);
  }

  private static void assertAmbiguous(List<String> values, String named) {
    assertThat(ambiguous(values).getMessage()).contains(named).contains(Tenant.HEADER);
  }

  private static FlarestackException ambiguous(List<String> values) {
    FlarestackException[] caught = new FlarestackException[1];
    assertThatThrownBy(() -> Tenant.resolve(true, values)).isInstanceOfSatisfying(FlarestackException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      caught[0] = e;
    });
    return caught[0];
  }

  private static void assertUnauthenticated(List<String> values, String message) {
    assertThatThrownBy(() -> Tenant.resolve(true, Collections.unmodifiableList(values)))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED))
        .hasMessageContaining(message);
  }
}
