package io.flarestack.server.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flarestack.common.edge.Server;
import io.flarestack.common.edge.ServerConfig;
import io.flarestack.common.testing.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The /memberlist page on a real edge server, fed by a test implementation of its interface. */
class MemberlistPageTest {
  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

  /** A fixed cluster view, given in an order the page must sort. */
  private static final class FixedStatus implements MemberlistStatus {
    final List<Member> members = new ArrayList<>(List.of(
        new Member("ingester-b", "10.0.0.2:7946", "Suspect"),
        new Member("ingester-a", "10.0.0.1:7946", "Alive"),
        new Member("<script>alert(1)</script>", "\"><img src=x>", "Dead")));
    final List<Key> keys = List.of(
        new Key("ring", 42, 1234, NOW.minusSeconds(5)),
        new Key("distributor", 7, 99, NOW.minusSeconds(60)));

    @Override
    public List<Member> members() {
      return members;
    }

    @Override
    public List<Key> keys() {
      return keys;
    }
  }

  private final FixedStatus status = new FixedStatus();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private Server server;

  @BeforeEach
  void start() throws Exception {
    server = new Server(ServerConfig.defaults().withPorts(0, 0), new SimpleMeterRegistry(), "memberlist-" + UUID.randomUUID());
    new MemberlistPage(status, new ManualClock(NOW)).register(server);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  @Test
  void htmlListsKeysAndMembersEscaped() throws Exception {
    HttpResponse<String> r = get(null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    String page = r.body();
    assertThat(page).contains("3 members");
    assertThat(page).contains("<tr><td>ingester-a</td><td>10.0.0.1:7946</td><td>Alive</td></tr>")
        .contains("<tr><td>ingester-b</td><td>10.0.0.2:7946</td><td>Suspect</td></tr>");
    assertThat(page).contains("<tr><td>ring</td><td class=\"num\">42</td><td class=\"num\">1234 B</td><td>"
        + NOW.minusSeconds(5) + "</td></tr>");
    assertThat(page.indexOf("<td>distributor</td>")).isPositive().isLessThan(page.indexOf("<td>ring</td>"));
    assertThat(page.indexOf("<td>ingester-a</td>")).isLessThan(page.indexOf("<td>ingester-b</td>"));
    assertThat(page).doesNotContain("<script>").doesNotContain("<img")
        .contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td>&quot;&gt;&lt;img src=x&gt;</td><td>Dead</td>");
  }

  @Test
  void jsonListsTheSameMembersAndKeys() throws Exception {
    HttpResponse<String> r = get("application/json");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode root = new ObjectMapper().readTree(r.body());
    assertThat(Instant.parse(root.get("now").asText())).isEqualTo(NOW);
    List<String> names = new ArrayList<>();
    for (JsonNode m : root.get("members")) {
      names.add(m.get("name").asText());
      MemberlistStatus.Member expected = status.members.stream().filter(x -> x.name().equals(m.get("name").asText()))
          .findFirst().orElseThrow();
      assertThat(m.get("address").asText()).isEqualTo(expected.address());
      assertThat(m.get("state").asText()).isEqualTo(expected.state());
    }
    assertThat(names).containsExactlyInAnyOrderElementsOf(status.members.stream().map(MemberlistStatus.Member::name).toList());
    JsonNode keys = root.get("keys");
    assertThat(keys).hasSize(2);
    for (JsonNode k : keys) {
      MemberlistStatus.Key expected = status.keys.stream().filter(x -> x.key().equals(k.get("key").asText()))
          .findFirst().orElseThrow();
      assertThat(k.get("version").asLong()).isEqualTo(expected.version());
      assertThat(k.get("size").asLong()).isEqualTo(expected.sizeBytes());
      assertThat(Instant.parse(k.get("update_time").asText())).isEqualTo(expected.updated());
    }
  }

  @Test
  void membersChangeBetweenRequests() throws Exception {
    assertThat(get(null).body()).doesNotContain("ingester-c");
    status.members.add(new MemberlistStatus.Member("ingester-c", "10.0.0.3:7946", "Left"));
    assertThat(get(null).body()).contains("<tr><td>ingester-c</td><td>10.0.0.3:7946</td><td>Left</td></tr>")
        .contains("4 members");
  }

  private HttpResponse<String> get(String accept) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/memberlist"));
    if (accept != null) {
      b.header("Accept", accept);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
