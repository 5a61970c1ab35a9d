package io.flarestack.distributor.writepath;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.ingester.v1.NormalizedProfile;
import io.flarestack.api.ingester.v1.ProfileSeries;
import io.flarestack.api.ingester.v1.PushRequest;
import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.api.ring.v1.InstanceState;
import io.flarestack.api.ring.v1.RingDesc;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.common.limits.Limits;
import io.flarestack.common.limits.TenantLimits;
import io.flarestack.common.ring.Operation;
import io.flarestack.common.ring.Ring;
import io.flarestack.common.ring.RingConfig;
import io.flarestack.common.ring.RingHash;
import io.flarestack.common.ring.kv.InMemoryKvStore;
import io.flarestack.common.testing.ManualClock;
import io.flarestack.distributor.writepath.IngesterShardingConfig.Mode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IngesterRouterTest {
  private static final String KEY = "ring";
  private static final String TENANT = "tenant-a";
  private static final long NOW = 1_000_000;

  private final ManualClock clock = new ManualClock(Instant.ofEpochSecond(NOW));
  private final InMemoryKvStore kv = new InMemoryKvStore();
  private Ring ring;

  @AfterEach
  void stop() {
    if (ring != null) {
      ring.stop();
    }
  }

  @Test
  void serviceModeKeepsEachServiceOnOneIngesterWithReplicationFactorOne() throws Exception {
    start(3, 1);
    IngesterRouter router = router(IngesterShardingConfig.defaults(), 0);

    Set<String> used = new HashSet<>();
    for (int s = 0; s < 30; s++) {
      PushRequest push = push(seriesOf("svc-" + s, 20, 100));
      List<IngesterRouter.Route> routes = router.route(TENANT, push);
      assertThat(routes).hasSize(1);
      assertThat(routes.get(0).request()).isSameAs(push);
      List<String> ids = ids(routes.get(0));
      assertThat(ids).hasSize(1)
          .isEqualTo(ids(ring.shuffleShard(RingHash.tokenFor(TENANT, "svc-" + s), 1, Operation.WRITE).instances()));
      used.addAll(ids);
    }
    // 30 services over 3 ingesters: all are used (a fixed placement would put all on one).
    assertThat(used).hasSize(3);
  }

  @Test
  void seriesModeSpreadsOneServiceOverEveryIngester() throws Exception {
    start(3, 1);
    IngesterRouter router = router(IngesterShardingConfig.defaults().withMode(Mode.SERIES), 0);
    List<ProfileSeries> series = seriesOf("checkout", 60, 100);

    List<IngesterRouter.Route> routes = router.route(TENANT, push(series));

    assertEverySeriesOnce(routes, series);
    assertThat(routes).hasSize(3);
    for (IngesterRouter.Route r : routes) {
      for (ProfileSeries s : r.request().getSeriesList()) {
        // Each series on the owner of its own label hash over the whole ring.
        int token = RingHash.tokenFor(TENANT, io.flarestack.common.model.Labels.fromProto(s.getLabelsList()));
        assertThat(ids(r)).isEqualTo(ids(ring.get(token, Operation.WRITE).instances()));
      }
    }
  }

  @Test
  void serviceModeWithReplicationThreeWritesTheShardWithTheRingsQuorum() throws Exception {
    start(6, 3);
    IngesterRouter router = router(IngesterShardingConfig.defaults(), 0);
    List<ProfileSeries> series = seriesOf("checkout", 40, 100);

    List<IngesterRouter.Route> routes = router.route(TENANT, push(series));

    assertThat(routes).hasSize(1);
    assertThat(ids(routes.get(0))).containsExactlyInAnyOrderElementsOf(
        ids(ring.shuffleShard(RingHash.tokenFor(TENANT, "checkout"), 3, Operation.WRITE).instances()));
    assertThat(routes.get(0).replicas().minSuccess()).isEqualTo(2);
    assertThat(routes.get(0).replicas().maxErrors()).isEqualTo(1);
  }

  @Test
  void aServiceWhoseRateCrossesTheTargetSpreadsOverAWiderShard() throws Exception {
    start(8, 1);
    // Target 1 MB/s per ingester; "big" pushes about 3 MB/s, "small" a few KB/s.
    IngesterRouter router = router(IngesterShardingConfig.defaults().withServiceShardTargetRateMb(1), 0);
    List<ProfileSeries> big = seriesOf("big", 30, 100_000);
    long bigBytes = push(big).getSerializedSize();
    assertThat(bigBytes).isBetween(3_000_000L, 3_200_000L);
    List<ProfileSeries> small = seriesOf("small", 30, 100);

    List<IngesterRouter.Route> first = router.route(TENANT, push(big));
    assertThat(first).hasSize(1); // nothing measured yet: the replication factor

    List<IngesterRouter.Route> routes = List.of();
    for (int s = 0; s < 600; s++) {
      clock.advance(Duration.ofSeconds(1));
      routes = router.route(TENANT, push(big));
      assertEverySeriesOnce(routes, big);
      List<IngesterRouter.Route> smallRoutes = router.route(TENANT, push(small));
      assertThat(smallRoutes).hasSize(1);
    }

    // About 3 MB/s at 1 MB/s per ingester: a shard of 3 (at most 4 while the estimate overshoots
    // 3 MB/s by the discrete pushes), with the series spread over all of it.
    Set<String> used = new HashSet<>();
    routes.forEach(r -> used.addAll(ids(r)));
    int expected = (int) Math.ceil(bigBytes * 1.0 / (1 << 20)); // bytes/s over 1 MiB/s
    assertThat(used).hasSize(expected)
        .containsExactlyInAnyOrderElementsOf(ids(ring.shuffleShard(RingHash.tokenFor(TENANT, "big"), expected,
            Operation.WRITE).instances()));
    // The first push's single ingester is still part of the wider shard.
    assertThat(used).containsAll(ids(first.get(0)));
  }

  @Test
  void theTenantShardSizeBoundsEveryModeToTheTenantsIngesters() throws Exception {
    start(8, 1);
    Set<String> tenantShard = new HashSet<>(ids(ring.shuffleShard(RingHash.tokenFor(TENANT), 3, Operation.WRITE)
        .instances()));
    assertThat(tenantShard).hasSize(3);

    for (Mode mode : Mode.values()) {
      IngesterRouter router = router(IngesterShardingConfig.defaults().withMode(mode), 3);
      Set<String> used = new HashSet<>();
      for (int s = 0; s < 40; s++) {
        List<ProfileSeries> series = seriesOf("svc-" + s, 10, 100);
        List<IngesterRouter.Route> routes = router.route(TENANT, push(series));
        assertEverySeriesOnce(routes, series);
        routes.forEach(r -> used.addAll(ids(r)));
      }
      assertThat(used).as(mode.name()).isEqualTo(tenantShard);
    }
  }

  @Test
  void oneRequestWithSeveralServicesIsSplitByReplicaSet() throws Exception {
    start(5, 1);
    IngesterRouter router = router(IngesterShardingConfig.defaults(), 0);
    List<ProfileSeries> series = new ArrayList<>();
    for (int s = 0; s < 20; s++) {
      series.addAll(seriesOf("svc-" + s, 3, 100));
    }

    List<IngesterRouter.Route> routes = router.route(TENANT, push(series));

    assertEverySeriesOnce(routes, series);
    Map<String, Set<String>> ingestersByService = new HashMap<>();
    for (IngesterRouter.Route r : routes) {
      for (ProfileSeries s : r.request().getSeriesList()) {
        ingestersByService.computeIfAbsent(service(s), k -> new HashSet<>()).addAll(ids(r));
      }
    }
    ingestersByService.forEach((svc, ingesters) -> assertThat(ingesters).as(svc).hasSize(1));
    assertThat(routes.size()).isGreaterThan(1).isLessThanOrEqualTo(5);
  }

  private static void assertEverySeriesOnce(List<IngesterRouter.Route> routes, List<ProfileSeries> series) {
    List<ProfileSeries> routed = new ArrayList<>();
    routes.forEach(r -> routed.addAll(r.request().getSeriesList()));
    assertThat(routed).containsExactlyInAnyOrderElementsOf(series);
  }

  private IngesterRouter router(IngesterShardingConfig config, int tenantShardSize) {
    Limits d = Limits.defaults();
    Limits limits = new Limits(d.ingestionRateMb(), d.ingestionBurstSizeMb(), d.ingestionBodyLimitBytes(),
        d.maxLabelNameLength(), d.maxLabelValueLength(), d.maxLabelNamesPerSeries(), d.maxProfileSizeBytes(),
        d.maxProfileStacktraceSamples(), d.maxProfileStacktraceSampleLabels(), d.maxProfileStacktraceDepth(),
        d.maxProfileSymbolValueLength(), d.rejectOlderThan(), d.rejectNewerThan(), d.maxQueryLookback(),
        d.maxQueryLength(), d.maxFlameGraphNodesDefault(), d.maxFlameGraphNodesMax(), tenantShardSize);
    return new IngesterRouter(ring, config, TenantLimits.fixed(limits), clock, () -> 1);
  }

  /** {@code n} series of one service (one pod each), each with one profile of about {@code bytes}. */
  private static List<ProfileSeries> seriesOf(String service, int n, int bytes) {
    List<ProfileSeries> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(ProfileSeries.newBuilder()
          .addLabels(label("__name__", "process_cpu"))
          .addLabels(label("pod", service + "-pod-" + i))
          .addLabels(label("service_name", service))
          .addProfiles(NormalizedProfile.newBuilder().setId(service + "-" + i)
              .setProfile(Profile.newBuilder().addStringTable("").addStringTable("x".repeat(bytes))))
          .build());
    }
    return out;
  }

  private static PushRequest push(List<ProfileSeries> series) {
    return PushRequest.newBuilder().addAllSeries(series).build();
  }

  private static String service(ProfileSeries s) {
    return s.getLabelsList().stream().filter(l -> l.getName().equals("service_name")).findFirst().orElseThrow()
        .getValue();
  }

  private static LabelPair label(String name, String value) {
    return LabelPair.newBuilder().setName(name).setValue(value).build();
  }

  private void start(int instances, int replicationFactor) throws Exception {
    SplittableRandom random = new SplittableRandom(17);
    RingDesc.Builder desc = RingDesc.newBuilder();
    for (int i = 0; i < instances; i++) {
      InstanceDesc.Builder b = InstanceDesc.newBuilder().setId("ingester-" + i).setAddr("ingester-" + i + ":9095")
          .setState(InstanceState.ACTIVE).setTimestamp(NOW).setRegisteredTimestamp(NOW);
      for (int t = 0; t < 128; t++) {
        b.addTokens(random.nextInt());
      }
      desc.putInstances(b.getId(), b.build());
    }
    kv.cas(KEY, current -> desc.build().toByteArray());
    // No heartbeat timeout: the tests move the clock to measure rates, not to age the ring.
    ring = new Ring(RingConfig.defaults("ingester", KEY).withReplicationFactor(replicationFactor)
        .withHeartbeatTimeout(Duration.ZERO), kv, clock,
        new SimpleMeterRegistry());
    ring.start();
  }

  private static List<String> ids(IngesterRouter.Route route) {
    return ids(route.replicas().instances());
  }

  private static List<String> ids(List<InstanceDesc> instances) {
    return instances.stream().map(InstanceDesc::getId).toList();
  }
}
