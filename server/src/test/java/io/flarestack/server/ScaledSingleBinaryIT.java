package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.common.testing.Poll;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.server.testing.Connect;
import io.flarestack.server.testing.LocalCluster;
import io.flarestack.server.testing.Pushes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pyroscope's scaled single binary: three {@code -target=all} processes joined by memberlist are
 * one cluster at replication factor 3. Pushes to one process are answered, each profile once, by
 * every process's querier.
 */
class ScaledSingleBinaryIT {
  private static final Profile GO = SharedTestData.pprof("go/cpu.pb.gz");
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  @Test
  void singleBinariesJoinedByMemberlistAreOneCluster() throws Exception {
    List<String> members = List.of("flarestack-1", "flarestack-2", "flarestack-3");
    try (LocalCluster cluster = new LocalCluster(dir, List.of("-distributor.replication-factor=3",
        "-distributor.ingestion-rate-limit-mb=1000", "-distributor.ingestion-burst-size-mb=1000"))) {
      for (String m : members) {
        cluster.start(m, "all");
      }
      cluster.awaitReady(Duration.ofSeconds(90));
      for (String m : members) {
        Poll.until(m + " sees three ACTIVE ingesters", Duration.ofSeconds(60), Duration.ofMillis(100),
            () -> get(cluster.member(m).baseUrl() + "/ingester/ring"),
            body -> body.split("\"ACTIVE\"", -1).length - 1 == 3);
      }

      long base = System.currentTimeMillis() * 1_000_000L - 60_000_000_000L;
      Connect first = new Connect(cluster.member("flarestack-1").baseUrl());
      for (long seq = 0; seq < 20; seq++) {
        Pushes.push(first, "svc-" + seq, seq, GO.toBuilder().setTimeNanos(base + seq * 1_000_000L).build());
      }
      long expected = PprofFacts.total(GO, PprofFacts.sampleType(GO, "cpu"));
      for (String m : members) {
        Map<String, Long> totals = Pushes.totalsBy(new Connect(cluster.member(m).baseUrl()), "{}", Pushes.CPU, "seq",
            base / 1_000_000L - 1000, System.currentTimeMillis() + 60_000);
        assertThat(totals).as(m).hasSize(20);
        totals.forEach((seq, total) -> assertThat(total).as("%s: push %s", m, seq).isEqualTo(expected));
      }
      // Every process's ingester holds the replicas: each created profiles in its head.
      for (String m : members) {
        assertThat(get(cluster.member(m).baseUrl() + "/metrics")).as(m)
            .containsPattern("pyroscope_head_profiles_created_total\\S* [1-9]");
      }
    }
  }

  private String get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json").build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
