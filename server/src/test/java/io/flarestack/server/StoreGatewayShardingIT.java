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
 * become twelve blocks in the bucket; queries through the querier count every profile once, and
 * each block is opened by one store-gateway only (its owner), however many queries run. With one
 * store-gateway killed, the other reads its blocks too and totals stay exact.
 */
class StoreGatewayShardingIT {
  private static final Profile GO = SharedTestData.pprof("go/cpu.pb.gz");
  private static final long TOTAL = PprofFacts.total(GO, PprofFacts.sampleType(GO, "cpu"));
  private static final int HOURS = 12;
  private static final Pattern OPENED = Pattern.compile("(?m)^flarestack_bucket_store_blocks_opened(?:\\{[^}]*})? (\\S+)$");
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
      // Until both gateways have synced the blocks, the ingester still serves some; then each
      // block is opened once, by its owner.
      Poll.until("every block opened once by the store-gateways", Duration.ofSeconds(60), Duration.ofMillis(200), () -> {
        assertExact(querier, start, end);
        return opened(cluster, "store-gateway-1") + opened(cluster, "store-gateway-2");
      }, n -> n == HOURS);
      for (int i = 0; i < 3; i++) {
        assertExact(querier, start, end);
      }
      assertThat(opened(cluster, "store-gateway-1") + opened(cluster, "store-gateway-2"))
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

  private long opened(LocalCluster cluster, String gateway) throws Exception {
    Matcher m = OPENED.matcher(get(cluster.member(gateway).baseUrl() + "/metrics"));
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
