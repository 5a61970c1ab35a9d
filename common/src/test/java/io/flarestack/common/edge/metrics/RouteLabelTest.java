package io.flarestack.common.edge.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouteLabelTest {
  @Test
  void matchesPyroscopesRouteLabels() {
    // The examples of operations.md §3.1.
    assertThat(RouteLabel.make("/push.v1.PusherService/Push")).isEqualTo("push_v1_pusherservice_push");
    assertThat(RouteLabel.make("/ingest")).isEqualTo("ingest");
    assertThat(RouteLabel.make("/pyroscope/ingest")).isEqualTo("pyroscope_ingest");
    assertThat(RouteLabel.make("/querier.v1.QuerierService/SelectMergeStacktraces"))
        .isEqualTo("querier_v1_querierservice_selectmergestacktraces");
    assertThat(RouteLabel.make("/pyroscope/render")).isEqualTo("pyroscope_render");
    assertThat(RouteLabel.make("/pyroscope/label-values")).isEqualTo("pyroscope_label_values");
    assertThat(RouteLabel.make("/ingester.v1.IngesterService/Push")).isEqualTo("ingester_v1_ingesterservice_push");
    assertThat(RouteLabel.make("/storegateway.v1.StoreGatewayService/MergeProfilesStacktraces"))
        .isEqualTo("storegateway_v1_storegatewayservice_mergeprofilesstacktraces");
    assertThat(RouteLabel.make("/frontendpb.FrontendForQuerier/QueryResult"))
        .isEqualTo("frontendpb_frontendforquerier_queryresult");
  }

  @Test
  void collapsesRunsTrimsEndsAndNamesTheEmptyRoot() {
    assertThat(RouteLabel.make("//a--b__c//")).isEqualTo("a_b_c");
    assertThat(RouteLabel.make("/")).isEqualTo("root");
    assertThat(RouteLabel.make("")).isEqualTo("root");
    assertThat(RouteLabel.make("/ui/assets/")).isEqualTo("ui_assets");
    assertThat(RouteLabel.make("/Ä/x")).isEqualTo("x");
    assertThat(new RouteLabel().of("/A.B/C")).isEqualTo("a_b_c");
  }
}
