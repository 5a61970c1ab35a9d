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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A graceful stop (SIGTERM) of one ingester of two, replication factor 1, each component in its
 * own JVM sharing a filesystem bucket: the ingester turns LEAVING, so pushes go to the other one
 * and are acknowledged; it flushes its head into blocks, uploads them and waits until the
 * store-gateway serves them, and only then leaves the ring and exits. Every query meanwhile
 * answers exactly the totals pushed: no profile missing while the data moves from the head to the
 * bucket, none counted twice while it is in both.
 */
class IngesterLeaveIT {
  private static final Profile GO = SharedTestData.pprof("go/cpu.pb.gz");
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final int SERVICES = 20;
  private static final Pattern UPLOADED = Pattern.compile("upload new block tenant=(\\S+) block=(\\S+)");

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void aStoppingIngesterHandsItsHeadToTheBucketWhileQueriesStayExactAndPushesGoElsewhere() throws Exception {
    try (LocalCluster cluster = new LocalCluster(dir, List.of("-distributor.ingestion-rate-limit-mb=1000",
        "-distributor.ingestion-burst-size-mb=1000", "-blocks-storage.bucket-store.sync-interval=1s",
        "-ingester.leave-grace-period=4s", "-ingester.leave-store-gateway-timeout=30s"))) {
      cluster.start("ingester-1", "ingester");
      cluster.start("ingester-2", "ingester");
      cluster.start("store-gateway-1", "store-gateway");
      cluster.start("distributor-1", "distributor");
      cluster.start("querier-1", "querier");
      cluster.awaitReady(DEADLINE);
      String distributorRing = cluster.member("distributor-1").baseUrl() + "/ingester/ring";
      Poll.until("both ingesters ACTIVE in the distributor's view", DEADLINE, Duration.ofMillis(100),
          () -> states(distributorRing), s -> s.equals(Map.of("ingester-1", "ACTIVE", "ingester-2", "ACTIVE")));
      // The querier must know the store-gateway before the ingester hands its blocks to it.
      Poll.until("the store-gateway ACTIVE in the querier's view", DEADLINE, Duration.ofMillis(100),
          () -> states(cluster.member("querier-1").baseUrl() + "/store-gateway/ring"),
          s -> s.equals(Map.of("store-gateway-1", "ACTIVE")));

      Connect distributor = new Connect(cluster.member("distributor-1").baseUrl());
      Connect querier = new Connect(cluster.member("querier-1").baseUrl());
      long perProfile = PprofFacts.total(GO, PprofFacts.sampleType(GO, "cpu"));
      long base = System.currentTimeMillis() * 1_000_000L - 60_000_000_000L;
      Map<String, Long> expected = new TreeMap<>();
      // Twenty services, so both ingesters own some (routing is by tenant and service).
      pushBatch(distributor, 0, base, perProfile, expected);
      assertThat(totals(querier, base)).isEqualTo(expected);
      double ingester1Before = profilesCreated(cluster, "ingester-1");
      double ingester2Before = profilesCreated(cluster, "ingester-2");
      assertThat(ingester1Before).as("ingester-1 holds part of the data").isPositive();
      double perBatch = ingester1Before + ingester2Before; // head profiles one batch creates

      CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> cluster.stop("ingester-1"));
      int queriesWhileLeaving = 0;
      boolean pushedWhileLeaving = false;
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (!stopped.isDone()) {
        assertThat(System.nanoTime()).as("ingester-1 exits within %s", DEADLINE).isLessThan(deadline);
        if (!pushedWhileLeaving && "LEAVING".equals(states(distributorRing).get("ingester-1"))) {
          // The distributor sees ingester-1 LEAVING: the next pushes, some for services it owned,
          // all go to ingester-2 and are acknowledged (push throws on any error status).
          pushBatch(distributor, 100, base, perProfile, expected);
          assertThat(states(distributorRing)).as("still LEAVING after the pushes").containsEntry("ingester-1", "LEAVING");
          assertThat(profilesCreated(cluster, "ingester-1")).as("none for ingester-1").isEqualTo(ingester1Before);
          assertThat(profilesCreated(cluster, "ingester-2") - ingester2Before).as("all for ingester-2")
              .isEqualTo(perBatch);
          pushedWhileLeaving = true;
        }
        assertThat(totals(querier, base)).as("query %d while ingester-1 leaves", queriesWhileLeaving)
            .isEqualTo(expected);
        queriesWhileLeaving++;
      }
      stopped.get(1, TimeUnit.SECONDS);
      assertThat(pushedWhileLeaving).as("a push batch went in while ingester-1 was LEAVING").isTrue();
      assertThat(queriesWhileLeaving).as("queries answered while ingester-1 left").isGreaterThan(5);

      // Every block it uploaded is complete in the bucket, and it said so in order.
      String log = cluster.member("ingester-1").log();
      Matcher m = UPLOADED.matcher(log);
      List<Path> blocks = new ArrayList<>();
      while (m.find()) {
        blocks.add(dir.resolve("bucket").resolve(m.group(1)).resolve(m.group(2)).resolve("meta.json"));
      }
      assertThat(blocks).as("uploads in the log of ingester-1:\n%s", log).isNotEmpty().allMatch(Files::isRegularFile);
      assertThat(log).contains("leaving: phase hand-over done").contains("the store-gateways serve all "
          + blocks.size() + " blocks");
      assertThat(log.indexOf("phase hand-over done")).isLessThan(log.indexOf("left ring ring (unregistered)"));

      // Gone from the ring; pushes still succeed, and every total is still exact.
      Poll.until("ingester-1 gone from the distributor's view", DEADLINE, Duration.ofMillis(100),
          () -> states(distributorRing), s -> s.equals(Map.of("ingester-2", "ACTIVE")));
      Poll.until("ingester-1 gone from the querier's view", DEADLINE, Duration.ofMillis(100),
          () -> states(cluster.member("querier-1").baseUrl() + "/ingester/ring"),
          s -> s.equals(Map.of("ingester-2", "ACTIVE")));
      pushBatch(distributor, 200, base, perProfile, expected);
      assertThat(expected).hasSize(3 * SERVICES);
      assertThat(totals(querier, base)).isEqualTo(expected);
    }
  }

  /** One profile for each of the twenty services, labelled seq=offset+i; records what it adds. */
  private static void pushBatch(Connect distributor, int offset, long base, long perProfile,
      Map<String, Long> expected) {
    for (int i = 0; i < SERVICES; i++) {
      long seq = offset + i;
      Pushes.push(distributor, "svc-" + i, seq, GO.toBuilder().setTimeNanos(base + seq * 1_000_000L).build());
      expected.put(Long.toString(seq), perProfile);
    }
  }

  private static Map<String, Long> totals(Connect querier, long base) {
    return Pushes.totalsBy(querier, "{}", Pushes.CPU, "seq", base / 1_000_000L - 1000,
        System.currentTimeMillis() + 60_000);
  }

  /** Instance id to state, from a ring page's JSON. */
  private Map<String, String> states(String url) throws Exception {
    JsonNode shards = json.readTree(get(url)).get("shards");
    Map<String, String> out = new TreeMap<>();
    shards.forEach(s -> out.put(s.get("id").asText(), s.get("state").asText()));
    return out;
  }

  /** The ingester's pyroscope_head_profiles_created_total, summed over its series. */
  private double profilesCreated(LocalCluster cluster, String ingester) throws Exception {
    double sum = 0;
    for (String line : get(cluster.member(ingester).baseUrl() + "/metrics").split("\n")) {
      if (line.startsWith("pyroscope_head_profiles_created_total")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private String get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json")
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}
