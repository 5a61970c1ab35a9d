package io.flarestack.server.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flarestack.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The single binary serves the ingester ring's page where the ring runs, and only there. */
class RingPagesWiringTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void theSingleBinaryServesTheIngesterRingPageListingItsIngester() throws Exception {
    try (TestServer server = TestServer.start()) {
      for (String path : List.of("/ring", "/ingester/ring")) {
        HttpResponse<byte[]> html = server.get(path);
        assertThat(html.statusCode()).as(path).isEqualTo(200);
        assertThat(TestServer.text(html)).contains("Ingester ring status").contains("<td>ACTIVE</td>");

        JsonNode shards = json.readTree(server.get(path, "Accept", "application/json").body()).get("shards");
        assertThat(shards).as(path).hasSize(1);
        assertThat(shards.get(0).get("state").asText()).isEqualTo("ACTIVE");
        assertThat(shards.get(0).get("tokens")).hasSize(128); // -ingester.num-tokens' default
        // The instance's id is the one the HTML lists with a Forget button.
        assertThat(TestServer.text(html)).contains("name=\"forget\" value=\"" + shards.get(0).get("id").asText() + "\"");
      }
      // The distributor and the store-gateway of the single binary are in their own rings.
      for (String path : List.of("/distributor/ring", "/store-gateway/ring")) {
        JsonNode shards = json.readTree(server.get(path, "Accept", "application/json").body()).get("shards");
        assertThat(shards).as(path).hasSize(1);
        assertThat(shards.get(0).get("state").asText()).as(path).isEqualTo("ACTIVE");
      }
      // The compactor and the query-scheduler of the single binary each hold one ACTIVE entry, with
      // Pyroscope's token counts: 512 for the compactor, 1 for the query-scheduler.
      for (Map.Entry<String, Integer> ring : Map.of("/compactor/ring", 512, "/scheduler/ring", 1).entrySet()) {
        JsonNode shards = json.readTree(server.get(ring.getKey(), "Accept", "application/json").body()).get("shards");
        assertThat(shards).as(ring.getKey()).hasSize(1);
        assertThat(shards.get(0).get("state").asText()).as(ring.getKey()).isEqualTo("ACTIVE");
        assertThat(shards.get(0).get("tokens")).as(ring.getKey()).hasSize(ring.getValue());
      }
      // Memberlist has no page without a cluster.
      assertThat(server.get("/memberlist").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void aProcessWithoutTheRingModuleHasNoRingPage() throws Exception {
    // As in Pyroscope, a pure -target=ingester does not serve /ring: the ring module (the read
    // side) runs with the distributor and the querier.
    try (TestServer server = TestServer.startUnready(Clock.systemUTC(), "-target=ingester")) {
      assertThat(server.get("/ring").statusCode()).isEqualTo(404);
      assertThat(server.get("/ingester/ring").statusCode()).isEqualTo(404);
      // Neither do the rings of components that do not run here.
      assertThat(server.get("/compactor/ring").statusCode()).isEqualTo(404);
      assertThat(server.get("/scheduler/ring").statusCode()).isEqualTo(404);
    }
  }
}
