package io.flarestack.server;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.querier.v1.QuerierServiceGrpc;
import io.flarestack.api.querier.v1.QuerierServiceGrpc.QuerierServiceBlockingStub;
import io.flarestack.api.querier.v1.SelectMergeProfileRequest;
import io.flarestack.api.types.v1.LabelValuesRequest;
import io.flarestack.server.testing.TestProfiles;
import io.flarestack.server.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Querier calls and test data reads shared by the JFR integration tests. */
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

  /** The sum of the first value over all samples. */
  static long total(Profile p) {
    long sum = 0;
    for (Sample s : p.getSampleList()) {
      sum += s.getValue(0);
    }
    return sum;
  }

  static List<String> labelValues(TestServer server, String name, String selector, long startMillis, long endMillis) {
    return querier(server).labelValues(LabelValuesRequest.newBuilder().setName(name).addMatchers(selector)
        .setStart(startMillis).setEnd(endMillis).build()).getNamesList();
  }

  /** A file of the shared test data. */
  static byte[] testdata(String relative) {
    try {
      return Files.readAllBytes(TestProfiles.testdata().resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
