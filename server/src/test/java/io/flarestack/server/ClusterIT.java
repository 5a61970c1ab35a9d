package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Separate JVMs form one system through memberlist: two ingesters, a distributor and a querier,
 * each started alone with its own {@code -target}, find each other in the rings; pushes to the
 * distributor reach the ingesters over gRPC, and the querier answers with exactly the totals
 * pushed.
 */
class ClusterIT {
  private static final Profile GO = SharedTestData.pprof("go/cpu.pb.gz");
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void componentsInSeparateProcessesFormOneSystem() throws Exception {
    try (LocalCluster cluster = new LocalCluster(dir, List.of("-distributor.ingestion-rate-limit-mb=1000",
        "-distributor.ingestion-burst-size-mb=1000"))) {
      cluster.start("ingester-1", "ingester");
      cluster.start("ingester-2", "ingester");
      cluster.start("distributor-1", "distributor");
      cluster.start("querier-1", "querier");
      cluster.awaitReady(Duration.ofSeconds(60));

      // The distributor's ring page lists both ingesters, ACTIVE, at their gRPC addresses.
      String ring = cluster.member("distributor-1").baseUrl() + "/ring";
      JsonNode shards = Poll.until("both ingesters ACTIVE in the distributor's view of the ring", Duration.ofSeconds(30),
          Duration.ofMillis(100), () -> json.readTree(get(ring)).get("shards"),
          s -> s.size() == 2 && s.get(0).get("state").asText().equals("ACTIVE")
              && s.get(1).get("state").asText().equals("ACTIVE"));
      List<String> ids = new ArrayList<>();
      shards.forEach(s -> ids.add(s.get("id").asText()));
      assertThat(ids).containsExactlyInAnyOrder("ingester-1", "ingester-2");
      for (JsonNode s : shards) {
        String port = Integer.toString(cluster.member(s.get("id").asText()).grpcPort());
        assertThat(s.get("address").asText()).isEqualTo("127.0.0.1:" + port);
      }

      // Twenty services, so both ingesters own some (routing is by tenant and service).
      long base = System.currentTimeMillis() * 1_000_000L - 60_000_000_000L;
      Connect distributor = new Connect(cluster.member("distributor-1").baseUrl());
      long expected = PprofFacts.total(GO, PprofFacts.sampleType(GO, "cpu"));
      for (long seq = 0; seq < 20; seq++) {
        Pushes.push(distributor, "svc-" + seq, seq, GO.toBuilder().setTimeNanos(base + seq * 1_000_000L).build());
      }

      Connect querier = new Connect(cluster.member("querier-1").baseUrl());
      Map<String, Long> totals = Pushes.totalsBy(querier, "{}", Pushes.CPU, "seq", base / 1_000_000L - 1000,
          System.currentTimeMillis() + 60_000);
      assertThat(totals).hasSize(20);
      totals.forEach((seq, total) -> assertThat(total).as("push %s", seq).isEqualTo(expected));

      // Both ingesters took part: each created profiles in its head.
      for (String ingester : List.of("ingester-1", "ingester-2")) {
        String metrics = get(cluster.member(ingester).baseUrl() + "/metrics");
        assertThat(metrics).as(ingester).containsPattern("pyroscope_head_profiles_created_total\\S* [1-9]");
      }
    }
  }

  private String get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json").build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
