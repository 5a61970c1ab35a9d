package io.flarestack.server.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.api.ring.v1.InstanceState;
import io.flarestack.api.ring.v1.RingDesc;
import io.flarestack.common.edge.Server;
import io.flarestack.common.edge.ServerConfig;
import io.flarestack.common.ring.Lifecycler;
import io.flarestack.common.ring.LifecyclerConfig;
import io.flarestack.common.ring.Ring;
import io.flarestack.common.ring.RingConfig;
import io.flarestack.common.ring.kv.InMemoryKvStore;
import io.flarestack.common.testing.ManualClock;
import io.flarestack.common.testing.Poll;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ring page on a real edge server over real HTTP, for a ring populated by real lifecyclers
 * and by KV writes (a stale entry, a hostile id). Expectations come from the tokens and times the
 * test set up, computed here independently of the page's code.
 */
class RingPageTest {
  private static final String KEY = "ring";
  private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
  private static final Duration TIMEOUT = Duration.ofMinutes(1);
  private static final String STALE = "ingester-stale";
  private static final long STALE_AGE_SECONDS = 120; // older than TIMEOUT
  private static final List<Integer> STALE_TOKENS = List.of(7, 0x7fff_ffff, 0xffff_fff0); // the last one is > 2^31
  private static final Pattern ROW = Pattern.compile("<tr( class=\"unhealthy\")?>(<td.*?)</tr>");
  private static final Pattern CELL = Pattern.compile("<td[^>]*>(.*?)</td>");

  private final ManualClock clock = new ManualClock(T0);
  private final InMemoryKvStore kv = new InMemoryKvStore();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ObjectMapper json = new ObjectMapper();
  private final List<Lifecycler> lifecyclers = new ArrayList<>();
  private final CountDownLatch leave = new CountDownLatch(1);
  private CompletableFuture<Void> cStopped;
  private Server server;
  private Ring ring;

  @BeforeEach
  void start() throws Exception {
    server = new Server(ServerConfig.defaults().withPorts(0, 0), registry, "ring-page-" + UUID.randomUUID());
    ring = new Ring(new RingConfig("ingester", KEY, 1, TIMEOUT), kv, clock, registry);
    new RingPage(ring, clock).register(server, "/ring", "/ingester/ring");
    server.start();
    ring.start();
    // Three instances that join through real lifecyclers; c then starts to stop, and stays
    // LEAVING (heartbeat fresh) while its before-leaving hook waits, as an ingester flushing.
    lifecyclers.add(join("ingester-a", "10.0.0.1:9095", "zone-a", true));
    lifecyclers.add(join("ingester-b", "10.0.0.2:9095", "zone-b", true));
    Lifecycler c = new Lifecycler(LifecyclerConfig.defaults(KEY, "ingester-c", "10.0.0.3:9095").withZone("zone-a")
        .withNumTokens(32).withHeartbeatPeriod(Duration.ofHours(1)), kv, clock, executor,
        new Random("ingester-c".hashCode()), () -> {
          if (!leave.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never let ingester-c leave");
          }
        });
    c.start();
    lifecyclers.add(c);
    cStopped = CompletableFuture.runAsync(c::stop);
    Poll.until("ingester-c LEAVING", Duration.ofSeconds(10), () -> {
      InstanceDesc entry = RingDesc.parseFrom(kv.get(KEY)).getInstancesMap().get("ingester-c");
      return entry != null && entry.getState() == InstanceState.LEAVING;
    });
    // One instance whose last heartbeat is older than the timeout, written straight to the KV.
    putInstance(InstanceDesc.newBuilder().setId(STALE).setAddr("10.0.0.4:9095").setZone("zone-b")
        .setState(InstanceState.ACTIVE).setTimestamp(T0.getEpochSecond() - STALE_AGE_SECONDS)
        .setRegisteredTimestamp(T0.getEpochSecond() - 3600).addAllTokens(STALE_TOKENS).build());
  }

  @AfterEach
  void stop() throws Exception {
    leave.countDown();
    cStopped.get(10, TimeUnit.SECONDS);
    for (Lifecycler l : lifecyclers) {
      l.stop();
    }
    ring.stop();
    server.stop();
    executor.shutdownNow();
  }

  @Test
  void htmlListsEveryInstanceWithStateZoneAddressTokensAndOwnership() throws Exception {
    for (String path : List.of("/ring", "/ingester/ring")) {
      HttpResponse<String> r = get(path, null);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
      Map<String, List<String>> rows = rows(r.body());
      Map<String, List<Integer>> tokens = tokensByInstance();
      assertThat(rows).containsOnlyKeys(tokens.keySet());

      Map<String, String> expectedState = Map.of("ingester-a", "ACTIVE", "ingester-b", "ACTIVE",
          "ingester-c", "LEAVING", STALE, "UNHEALTHY");
      Map<String, String> expectedZone = Map.of("ingester-a", "zone-a", "ingester-b", "zone-b",
          "ingester-c", "zone-a", STALE, "zone-b");
      Map<String, String> expectedAddr = Map.of("ingester-a", "10.0.0.1:9095", "ingester-b", "10.0.0.2:9095",
          "ingester-c", "10.0.0.3:9095", STALE, "10.0.0.4:9095");
      Map<String, Double> expectedOwnership = ownershipPercent(tokens);
      double sum = 0;
      for (Map.Entry<String, List<String>> row : rows.entrySet()) {
        String id = row.getKey();
        List<String> cells = row.getValue();
        assertThat(cells.get(1)).as("zone of %s", id).isEqualTo(expectedZone.get(id));
        assertThat(cells.get(2)).as("state of %s", id).isEqualTo(expectedState.get(id));
        assertThat(cells.get(3)).as("address of %s", id).isEqualTo(expectedAddr.get(id));
        assertThat(cells.get(6)).as("token count of %s", id).isEqualTo(Integer.toString(tokens.get(id).size()));
        assertThat(cells.get(7)).endsWith("%");
        double shown = Double.parseDouble(cells.get(7).substring(0, cells.get(7).length() - 1));
        assertThat(shown).as("ownership of %s", id).isCloseTo(expectedOwnership.get(id), within(0.0006));
        sum += shown;
        assertThat(cells.get(8)).contains("name=\"forget\" value=\"" + id + "\"").contains(">Forget</button>");
      }
      assertThat(sum).isCloseTo(100.0, within(0.01));

      // Heartbeat ages against the injected clock: the lifecyclers beat at T0, the stale entry 120s before.
      Instant staleBeat = T0.minusSeconds(STALE_AGE_SECONDS);
      assertThat(rows.get(STALE).get(5)).isEqualTo(STALE_AGE_SECONDS + "s ago (" + hhmmss(staleBeat) + ")");
      assertThat(rows.get(STALE).get(4)).isEqualTo(T0.minusSeconds(3600).toString());
      assertThat(rows.get("ingester-a").get(5)).isEqualTo("0s ago (" + hhmmss(T0) + ")");
      assertThat(unhealthyRows(r.body())).containsExactly(STALE);
    }
  }

  @Test
  void anInstanceTurnsUnhealthyOnceItsHeartbeatIsOlderThanTheTimeout() throws Exception {
    assertThat(rows(get("/ring", null).body()).get("ingester-a").get(2)).isEqualTo("ACTIVE");
    clock.advance(TIMEOUT.plusSeconds(1)); // no heartbeat runs: the lifecyclers' period is an hour
    Map<String, List<String>> rows = rows(get("/ring", null).body());
    for (String id : List.of("ingester-a", "ingester-b", "ingester-c", STALE)) {
      assertThat(rows.get(id).get(2)).as("state of %s", id).isEqualTo("UNHEALTHY");
    }
  }

  @Test
  void jsonHasDskitsShapeAndListsTheSameInstances() throws Exception {
    HttpResponse<String> r = get("/ingester/ring", "application/json");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode root = json.readTree(r.body());
    assertThat(root.fieldNames()).toIterable().containsExactly("shards", "now");
    assertThat(OffsetDateTime.parse(root.get("now").asText()).toInstant()).isEqualTo(T0);
    Map<String, List<Integer>> tokens = tokensByInstance();
    Map<String, JsonNode> shards = new HashMap<>();
    for (JsonNode shard : root.get("shards")) {
      assertThat(shard.fieldNames()).toIterable().containsExactly("id", "state", "address", "timestamp",
          "registered_timestamp", "read_only", "read_only_updated_timestamp", "zone", "tokens");
      shards.put(shard.get("id").asText(), shard);
    }
    assertThat(shards).containsOnlyKeys(tokens.keySet());
    assertThat(shards.get("ingester-a").get("state").asText()).isEqualTo("ACTIVE");
    assertThat(shards.get("ingester-c").get("state").asText()).isEqualTo("LEAVING");
    assertThat(shards.get(STALE).get("state").asText()).isEqualTo("UNHEALTHY");
    assertThat(shards.get(STALE).get("timestamp").asText()).isEqualTo(T0.minusSeconds(STALE_AGE_SECONDS).toString());
    assertThat(shards.get("ingester-b").get("address").asText()).isEqualTo("10.0.0.2:9095");
    assertThat(shards.get("ingester-b").get("zone").asText()).isEqualTo("zone-b");
    for (Map.Entry<String, List<Integer>> e : tokens.entrySet()) {
      List<Long> shown = new ArrayList<>();
      shards.get(e.getKey()).get("tokens").forEach(t -> shown.add(t.asLong()));
      assertThat(shown).as("tokens of %s", e.getKey())
          .containsExactlyElementsOf(e.getValue().stream().map(Integer::toUnsignedLong).sorted().toList());
    }
  }

  @Test
  void showTokensListsEveryTokenOfEveryInstance() throws Exception {
    String page = get("/ring?tokens=true", null).body();
    for (Map.Entry<String, List<Integer>> e : tokensByInstance().entrySet()) {
      String listed = String.join(" ", e.getValue().stream().map(Integer::toUnsignedLong).sorted()
          .map(String::valueOf).toList());
      assertThat(page).contains("<h2>Instance: " + e.getKey() + "</h2>\n<p class=\"tokens\">" + listed + "</p>");
    }
    assertThat(get("/ring", null).body()).doesNotContain("<p class=\"tokens\">");
  }

  @Test
  void forgetRemovesTheInstanceFromTheKvAndRedirectsBackToThePage() throws Exception {
    HttpResponse<String> r = post("/ring?tokens=true", "forget=" + STALE, null);
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.headers().firstValue("location")).hasValue("/ring?tokens=true");
    RingDesc stored = RingDesc.parseFrom(kv.get(KEY));
    assertThat(stored.getInstancesMap()).containsOnlyKeys("ingester-a", "ingester-b", "ingester-c");
    assertThat(rows(get("/ring", null).body())).containsOnlyKeys("ingester-a", "ingester-b", "ingester-c");
  }

  @Test
  void forgetOfAnUnknownInstanceIsA404NamingIt() throws Exception {
    byte[] before = kv.get(KEY);
    HttpResponse<String> r = post("/ingester/ring", "forget=no-such-ingester", null);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).contains("no-such-ingester").contains("ingester ring");
    assertThat(kv.get(KEY)).isEqualTo(before);
  }

  @Test
  void forgetWithoutTheFieldIsA400() throws Exception {
    HttpResponse<String> r = post("/ring", "other=1", null);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("forget");
    HttpResponse<String> bad = post("/ring", "forget=%zz", null);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("urlencoded");
  }

  @Test
  void aCrossOriginForgetIsRefused() throws Exception {
    HttpResponse<String> r = post("/ring", "forget=" + STALE, "http://evil.example");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("evil.example");
    assertThat(RingDesc.parseFrom(kv.get(KEY)).getInstancesMap()).containsKey(STALE);
    // The page's own origin is accepted.
    HttpResponse<String> same = post("/ring", "forget=" + STALE, "http://127.0.0.1:" + server.httpPort());
    assertThat(same.statusCode()).isEqualTo(303);
    assertThat(RingDesc.parseFrom(kv.get(KEY)).getInstancesMap()).doesNotContainKey(STALE);
  }

  @Test
  void hostileIdsAndAddressesAreEscapedAndCanStillBeForgotten() throws Exception {
    String id = "<script>alert(1)</script>";
    String addr = "\"><img src=x onerror=alert(2)>";
    putInstance(InstanceDesc.newBuilder().setId(id).setAddr(addr).setZone("<b>z</b>").setState(InstanceState.ACTIVE)
        .setTimestamp(T0.getEpochSecond()).addTokens(12345).build());
    String page = get("/ring?tokens=true", null).body();
    assertThat(page).doesNotContain("<script>").doesNotContain("<img").doesNotContain("<b>z");
    assertThat(page).contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>")
        .contains("<td>&quot;&gt;&lt;img src=x onerror=alert(2)&gt;</td>")
        .contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;\"");

    HttpResponse<String> r = post("/ring", "forget=" + URLEncoder.encode(id, StandardCharsets.UTF_8), null);
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(RingDesc.parseFrom(kv.get(KEY)).getInstancesMap()).doesNotContainKey(id);
  }

  @Test
  void onlyTheRegisteredPathsServeARingPage() throws Exception {
    for (String path : List.of("/distributor/ring", "/store-gateway/ring", "/compactor/ring", "/memberlist")) {
      assertThat(get(path, null).statusCode()).as(path).isEqualTo(404);
    }
  }

  @Test
  void aPageRegisteredWhileItsComponentRunsSaysSoBeforeAndAfter() throws Exception {
    String otherKey = "compactor";
    Ring compactorRing = new Ring(new RingConfig("compactor", otherKey, 1, TIMEOUT), kv, clock, registry);
    Lifecycler compactor = new Lifecycler(LifecyclerConfig.defaults(otherKey, "compactor-1", "10.0.0.9:9095")
        .withInitialState(InstanceState.ACTIVE).withNumTokens(4).withHeartbeatPeriod(Duration.ofHours(1)), kv, clock,
        executor, new Random(1));
    Server other = new Server(ServerConfig.defaults().withPorts(0, 0), registry, "ring-page-" + UUID.randomUUID());
    new RingPage(compactorRing, clock).registerWhileRunning(other, compactor, "Compactor is not running yet.",
        "/compactor/ring");
    other.start();
    compactorRing.start();
    try {
      URI page = URI.create("http://127.0.0.1:" + other.httpPort() + "/compactor/ring");
      HttpRequest request = HttpRequest.newBuilder(page).header("Accept", "application/json").build();
      HttpResponse<String> before = http.send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(before.statusCode()).isEqualTo(200);
      assertThat(before.body()).isEqualTo("Compactor is not running yet.\n");

      compactor.start();
      JsonNode shards = json.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body()).get("shards");
      assertThat(shards).hasSize(1);
      assertThat(shards.get(0).get("id").asText()).isEqualTo("compactor-1");
      assertThat(shards.get(0).get("state").asText()).isEqualTo("ACTIVE");
      assertThat(shards.get(0).get("tokens")).hasSize(4);

      compactor.stop();
      assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).body())
          .isEqualTo("Compactor is not running yet.\n");
    } finally {
      compactor.stop();
      compactorRing.stop();
      other.stop();
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  private Lifecycler join(String id, String addr, String zone, boolean unregister) throws Exception {
    Lifecycler l = new Lifecycler(LifecyclerConfig.defaults(KEY, id, addr).withZone(zone).withNumTokens(32)
        .withHeartbeatPeriod(Duration.ofHours(1)).withUnregisterOnShutdown(unregister), kv, clock, executor,
        new Random(id.hashCode()));
    l.start();
    return l;
  }

  private void putInstance(InstanceDesc instance) {
    kv.cas(KEY, current -> {
      try {
        RingDesc ring = current == null ? RingDesc.getDefaultInstance() : RingDesc.parseFrom(current);
        return ring.toBuilder().putInstances(instance.getId(), instance).build().toByteArray();
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    });
  }

  /** Every instance's tokens as the test put them there: the lifecyclers' and the stale entry's. */
  private Map<String, List<Integer>> tokensByInstance() {
    Map<String, List<Integer>> tokens = new LinkedHashMap<>();
    for (Lifecycler l : lifecyclers) {
      List<Integer> t = new ArrayList<>();
      for (int token : l.tokens()) {
        t.add(token);
      }
      tokens.put(l.config().instanceId(), t);
    }
    tokens.put(STALE, STALE_TOKENS);
    return tokens;
  }

  /**
   * Ownership from first principles: on the circle of 2^32 tokens, a token owns the arc from its
   * predecessor (exclusive) to itself; the smallest token's predecessor is the largest one.
   */
  private static Map<String, Double> ownershipPercent(Map<String, List<Integer>> tokens) {
    TreeMap<Long, String> circle = new TreeMap<>();
    tokens.forEach((id, list) -> list.forEach(t -> assertThat(circle.put(Integer.toUnsignedLong(t), id))
        .as("token %s is unique", t).isNull()));
    Map<String, Double> percent = new HashMap<>();
    for (Map.Entry<Long, String> e : circle.entrySet()) {
      Long predecessor = circle.lowerKey(e.getKey());
      long arc = predecessor != null ? e.getKey() - predecessor : e.getKey() + (1L << 32) - circle.lastKey();
      percent.merge(e.getValue(), arc * 100.0 / (1L << 32), Double::sum);
    }
    tokens.keySet().forEach(id -> percent.putIfAbsent(id, 0.0));
    return percent;
  }

  /** The table's rows by (escaped) instance id, each as its cells' HTML. */
  private static Map<String, List<String>> rows(String page) {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    Matcher row = ROW.matcher(page);
    while (row.find()) {
      List<String> cells = new ArrayList<>();
      Matcher cell = CELL.matcher(row.group(2));
      while (cell.find()) {
        cells.add(cell.group(1));
      }
      assertThat(cells).hasSize(9);
      rows.put(cells.get(0), cells);
    }
    return rows;
  }

  private static List<String> unhealthyRows(String page) {
    List<String> ids = new ArrayList<>();
    Matcher row = ROW.matcher(page);
    while (row.find()) {
      if (row.group(1) != null) {
        Matcher cell = CELL.matcher(row.group(2));
        assertThat(cell.find()).isTrue();
        ids.add(cell.group(1));
      }
    }
    return ids;
  }

  private static String hhmmss(Instant t) {
    return t.toString().substring(11, 19);
  }

  private HttpResponse<String> get(String path, String accept) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
    if (accept != null) {
      b.header("Accept", accept);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String form, String origin) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form));
    if (origin != null) {
      b.header("Origin", origin);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.httpPort() + path);
  }
}
