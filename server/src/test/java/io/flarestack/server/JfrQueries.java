package io.flarestack.server;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.querier.v1.QuerierServiceGrpc;
import io.flarestack.api.querier.v1.QuerierServiceGrpc.QuerierServiceBlockingStub;
import io.flarestack.api.querier.v1.SelectMergeProfileRequest;
import io.flarestack.api.types.v1.LabelValuesRequest;
import io.flarestack.server.testing.TestServer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Querier calls shared by the JFR integration tests. */
final class JfrQueries {
  private JfrQueries() {}

  static QuerierServiceBlockingStub querier(TestServer server) {
    return QuerierServiceGrpc.newBlockingStub(server.grpcChannel()).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  /** SelectMergeProfile over [start, end] in milliseconds. */
  static Profile selectMergeProfile(TestServer server, String profileType, String selector, long startMillis,
      long endMillis) {
    return querier(server).selectMergeProfile(SelectMergeProfileRequest.newBuilder().setProfileTypeID(profileType)
        .setLabelSelector(selector).setStart(startMillis).setEnd(endMillis).build());
  }

  static List<String> labelValues(TestServer server, String name, String selector, long startMillis, long endMillis) {
    return querier(server).labelValues(LabelValuesRequest.newBuilder().setName(name).addMatchers(selector)
        .setStart(startMillis).setEnd(endMillis).build()).getNamesList();
  }
}
