package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.common.testing.Poll;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.server.testing.Connect;
import io.flarestack.server.testing.LocalCluster;
import io.flarestack.server.testing.Pushes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two store-gateways shard the blocks over their ring: profiles pushed into twelve past hours
 * become twelve blocks in the bucket; queries through the querier count every profile once while
 * the store-gateways are still syncing them (a block its owner has not synced yet is read by a
 * gateway that has), and once both have synced, each block is opened by one store-gateway only
 * (its owner), however many queries run. With one store-gateway killed, the other reads its
 * blocks too and totals stay exact.
 */
class StoreGatewayShardingIT {
  private static final Profile GO = SharedTestData.pprof("go/cpu.pb.gz");
  private static final long TOTAL = PprofFacts.total(GO, PprofFacts.sampleType(GO, "cpu"));
  private static final int HOURS = 12;
  private static final Pattern OPENED = Pattern.compile("(?m)^flarestack_bucket_store_blocks_opened(?:\\{[^}]*})? (\\S+)$");
  private static final Pattern LOADED = Pattern.compile("(?m)^pyroscope_bucket_store_blocks_loaded(?:\\{[^}]*})? (\\S+)$");
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  @Test
  void eachBlockIsReadByItsOwnerAndAnyGatewayCoversForAKilledOne() throws Exception {
    try (LocalCluster cluster = new LocalCluster(dir, List.of("-distributor.ingestion-rate-limit-mb=1000",
        "-distributor.ingestion-burst-size-mb=1000", "-validation.reject-older-than=24h",
        "-pyroscopedb.block-cut-delay=0s", "-blocks-storage.bucket-store.sync-interval=1s",
        "-store-gateway.sharding-ring.replication-factor=1"))) {
      cluster.start("ingester-1", "ingester");
      cluster.start("distributor-1", "distributor");
      cluster.start("store-gateway-1", "store-gateway");
      cluster.start("store-gateway-2", "store-gateway");
      cluster.start("querier-1", "querier");
      cluster.awaitReady(Duration.ofSeconds(60));
      // Ownership follows each store-gateway's own view of the ring: until both views hold both,
      // a gateway may claim blocks the other owns, and a block could be opened twice.
      for (String member : List.of("querier-1", "store-gateway-1", "store-gateway-2")) {
        Poll.until("both store-gateways ACTIVE in " + member + "'s view", Duration.ofSeconds(30),
            Duration.ofMillis(100), () -> get(cluster.member(member).baseUrl() + "/store-gateway/ring"),
            body -> body.split("\"ACTIVE\"", -1).length - 1 == 2);
      }

      // One profile in each of the last twelve whole hours: one head window, so one block, each.
      long hourMs = 3_600_000L;
      long thisHour = System.currentTimeMillis() / hourMs * hourMs;
      Connect distributor = new Connect(cluster.member("distributor-1").baseUrl());
      for (int h = 1; h <= HOURS; h++) {
        long t = thisHour - h * hourMs + hourMs / 2;
        Pushes.push(distributor, "svc", h, GO.toBuilder().setTimeNanos(t * 1_000_000L).build());
      }
      Poll.until(HOURS + " blocks uploaded", Duration.ofSeconds(60), Duration.ofMillis(200), this::uploadedBlocks,
          n -> n == HOURS);

      Connect querier = new Connect(cluster.member("querier-1").baseUrl());
      long start = thisHour - (HOURS + 1) * hourMs;
      long end = thisHour;
      // While the store-gateways sync the blocks (an owner may not have a block yet; another
      // gateway that has it reads it, or the ingester while no gateway lists it), totals are exact.
      // Once both have synced every block, each block goes to its owner.
      for (String gateway : List.of("store-gateway-1", "store-gateway-2")) {
        Poll.until(gateway + " to serve all " + HOURS + " blocks", Duration.ofSeconds(60), Duration.ofMillis(100), () -> {
          assertExact(querier, start, end);
          return metric(cluster, gateway, LOADED);
        }, n -> n == HOURS);
      }
      // Blocks read during the sync by a gateway that is not their owner stay open there: restart
      // both gateways (they sync before turning ACTIVE) to count the steady state from zero.
      for (String gateway : List.of("store-gateway-1", "store-gateway-2")) {
        cluster.stop(gateway);
        Poll.until(gateway + " to exit", Duration.ofSeconds(60), Duration.ofMillis(50),
            () -> cluster.member(gateway).isAlive(), alive -> !alive);
        cluster.restart(gateway);
        cluster.awaitReady(gateway, Duration.ofSeconds(60));
      }
      for (String member : List.of("querier-1", "store-gateway-1", "store-gateway-2")) {
        Poll.until("both store-gateways ACTIVE again in " + member + "'s view", Duration.ofSeconds(30),
            Duration.ofMillis(100), () -> get(cluster.member(member).baseUrl() + "/store-gateway/ring"),
            body -> body.split("\"ACTIVE\"", -1).length - 1 == 2);
      }
      for (int i = 0; i < 4; i++) {
        assertExact(querier, start, end);
      }
      assertThat(metric(cluster, "store-gateway-1", OPENED) + metric(cluster, "store-gateway-2", OPENED))
          .as("blocks opened, over every query: each by its owner only").isEqualTo(HOURS);

      // A killed owner: its blocks are read by the other store-gateway, still exactly once.
      cluster.kill("store-gateway-2");
      for (int i = 0; i < 3; i++) {
        assertExact(querier, start, end);
      }
    }
  }

  private void assertExact(Connect querier, long start, long end) {
    Map<String, Long> totals = Pushes.totalsBy(querier, "{}", Pushes.CPU, "seq", start, end);
    assertThat(totals).hasSize(HOURS);
    totals.forEach((seq, total) -> assertThat(total).as("hour %s", seq).isEqualTo(TOTAL));
  }

  private long uploadedBlocks() {
    try (Stream<Path> files = Files.walk(dir.resolve("bucket"))) {
      return files.filter(p -> p.getFileName().toString().equals("meta.json")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private long metric(LocalCluster cluster, String gateway, Pattern metric) throws Exception {
    Matcher m = metric.matcher(get(cluster.member(gateway).baseUrl() + "/metrics"));
    long sum = 0;
    while (m.find()) {
      sum += (long) Double.parseDouble(m.group(1));
    }
    return sum;
  }

  private String get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json").build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
