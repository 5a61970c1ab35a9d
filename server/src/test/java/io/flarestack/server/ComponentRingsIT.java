package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flarestack.common.testing.Poll;
import io.flarestack.server.testing.LocalCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compactor and query-scheduler rings across processes: a compactor and a query-scheduler,
 * each in its own JVM, register ACTIVE at their gRPC addresses, as a third process running both
 * components sees on its ring pages, and leave those rings when stopped with SIGTERM.
 */
class ComponentRingsIT {
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void compactorAndQuerySchedulerJoinTheirRingsActiveAndLeaveOnAGracefulStop() throws Exception {
    try (LocalCluster cluster = new LocalCluster(dir, List.of())) {
      cluster.start("observer", "compactor,query-scheduler");
      cluster.start("compactor-1", "compactor");
      cluster.start("scheduler-1", "query-scheduler");
      cluster.awaitReady(Duration.ofSeconds(60));

      String compactorRing = cluster.member("observer").baseUrl() + "/compactor/ring";
      String schedulerRing = cluster.member("observer").baseUrl() + "/scheduler/ring";
      Map<String, String> compactors = awaitActive(compactorRing, List.of("observer", "compactor-1"));
      Map<String, String> schedulers = awaitActive(schedulerRing, List.of("observer", "scheduler-1"));
      // Each entry advertises its process's gRPC port on loopback (-memberlist.bind-addr=127.0.0.1).
      assertThat(compactors).containsEntry("compactor-1", "127.0.0.1:" + cluster.member("compactor-1").grpcPort())
          .containsEntry("observer", "127.0.0.1:" + cluster.member("observer").grpcPort());
      assertThat(schedulers).containsEntry("scheduler-1", "127.0.0.1:" + cluster.member("scheduler-1").grpcPort())
          .containsEntry("observer", "127.0.0.1:" + cluster.member("observer").grpcPort());
      // Pyroscope's token counts: 512 per compactor, 1 per query-scheduler.
      for (JsonNode shard : shards(compactorRing)) {
        assertThat(shard.get("tokens")).as(shard.get("id").asText()).hasSize(512);
      }
      for (JsonNode shard : shards(schedulerRing)) {
        assertThat(shard.get("tokens")).as(shard.get("id").asText()).hasSize(1);
      }

      // SIGTERM: each leaves its ring on the way out (no wait for the auto-forget).
      cluster.stop("compactor-1");
      cluster.stop("scheduler-1");
      awaitActive(compactorRing, List.of("observer"));
      awaitActive(schedulerRing, List.of("observer"));
    }
  }

  /** Polls a ring page until exactly {@code ids} are listed, all ACTIVE; returns id → address. */
  private Map<String, String> awaitActive(String page, List<String> ids) {
    JsonNode shards = Poll.until(ids + " exactly, ACTIVE, on " + page, Duration.ofSeconds(30), Duration.ofMillis(100),
        () -> shards(page), s -> {
          Map<String, String> states = new HashMap<>();
          s.forEach(shard -> states.put(shard.get("id").asText(), shard.get("state").asText()));
          return states.keySet().equals(new HashSet<>(ids))
              && states.values().stream().allMatch("ACTIVE"::equals);
        });
    Map<String, String> addresses = new HashMap<>();
    shards.forEach(shard -> addresses.put(shard.get("id").asText(), shard.get("address").asText()));
    return addresses;
  }

  private JsonNode shards(String page) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(page)).header("Accept", "application/json")
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(page).isEqualTo(200);
    return json.readTree(r.body()).get("shards");
  }
}
