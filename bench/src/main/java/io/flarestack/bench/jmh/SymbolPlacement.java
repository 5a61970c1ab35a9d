package io.flarestack.bench.jmh;

import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.api.ring.v1.InstanceState;
import io.flarestack.api.ring.v1.RingDesc;
import io.flarestack.bench.fleet.Fleet;
import io.flarestack.bench.fleet.Planned;
import io.flarestack.bench.fleet.Schedule;
import io.flarestack.bench.fleet.Upload;
import io.flarestack.bench.fleet.Uploads;
import io.flarestack.bench.fleet.Workload;
import io.flarestack.bench.load.Target;
import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.limits.TenantLimits;
import io.flarestack.common.ring.Ring;
import io.flarestack.common.ring.RingConfig;
import io.flarestack.common.ring.kv.InMemoryKvStore;
import io.flarestack.distributor.Distributor;
import io.flarestack.distributor.DistributorConfig;
import io.flarestack.distributor.ingest.AppName;
import io.flarestack.distributor.ingest.jfr.JfrConfig;
import io.flarestack.distributor.ingest.jfr.JfrIngest;
import io.flarestack.distributor.writepath.IngesterRouter;
import io.flarestack.distributor.writepath.IngesterShardingConfig;
import io.flarestack.distributor.writepath.IngesterShardingConfig.Mode;
import io.flarestack.ingester.head.Head;
import io.flarestack.ingester.head.TenantHead;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Symbol bytes held across a set of ingesters for the W-S fleet, by placement: the fleet's
 * uploads go through a distributor and the real {@link IngesterRouter} to in-process ingester
 * heads (one per ring instance; every replica of a part appended, as a full quorum would), and
 * each head reports the estimated bytes of its symbol tables. Deterministic: seeded ring tokens,
 * the fleet's fixed seed and end time, one thread in upload order, and a clock that follows the
 * upload times, so the router's rate estimate sees the fleet's real rates.
 *
 * <p>{@code bench/run symbols [--minutes 10] [--ingesters 3] [--rf 1,3]
 * [--target-mb 4,0.05]}: for each replication factor, series hashing (Pyroscope v1) and service
 * affinity with each target rate; prints one line per run.
 */
public final class SymbolPlacement {
  private static final String BOUNDARY = "flarestack-bench-jfr";

  private SymbolPlacement() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>(Map.of("minutes", "10", "ingesters", "3", "rf", "1,3",
        "target-mb", "4,0.05"));
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 == args.length || !opts.containsKey(args[i].substring(2))) {
        System.err.println("usage: bench/run symbols [--minutes 10] [--ingesters 3] [--rf 1,3] [--target-mb 4,0.05]");
        System.exit(2);
      }
      opts.put(args[i].substring(2), args[++i]);
    }
    int minutes = Integer.parseInt(opts.get("minutes"));
    int ingesters = Integer.parseInt(opts.get("ingesters"));
    System.out.printf(Locale.ROOT, "W-S fleet, %d minutes, %d ingesters; symbols = stacktraces + locations + functions"
        + " + mappings + strings (head estimates, MB = 2^20 bytes)%n", minutes, ingesters);
    System.out.printf(Locale.ROOT, "%-3s %-26s %10s %28s %12s %14s %10s %9s%n", "rf", "placement", "symbols MB",
        "per ingester", "profiles MB", "partitions", "profiles", "seconds");
    for (String rf : opts.get("rf").split(",")) {
      int r = Integer.parseInt(rf.trim());
      print(r, "series (v1)", run(minutes, ingesters, r, IngesterShardingConfig.defaults().withMode(Mode.SERIES)));
      for (String t : opts.get("target-mb").split(",")) {
        double target = Double.parseDouble(t.trim());
        print(r, "service, target " + t.trim() + " MB/s",
            run(minutes, ingesters, r, IngesterShardingConfig.defaults().withServiceShardTargetRateMb(target)));
      }
    }
  }

  /** What the heads hold after one run. */
  record Result(long[] symbolBytes, long[] profileBytes, int[] partitions, long profiles, double seconds) {
    long totalSymbols() {
      long t = 0;
      for (long b : symbolBytes) {
        t += b;
      }
      return t;
    }
  }

  static Result run(int minutes, int ingesters, int rf, IngesterShardingConfig sharding) throws Exception {
    long began = System.nanoTime();
    long end = ServiceHead.END_NANOS;
    long start = end - Duration.ofMinutes(minutes).toNanos();
    SimulatedClock clock = new SimulatedClock(start);
    InMemoryKvStore kv = new InMemoryKvStore();
    RingDesc.Builder desc = RingDesc.newBuilder();
    SplittableRandom random = new SplittableRandom(42);
    long heartbeat = Instant.ofEpochSecond(0, start).getEpochSecond();
    for (int i = 0; i < ingesters; i++) {
      InstanceDesc.Builder b = InstanceDesc.newBuilder().setId("ingester-" + i).setAddr("ingester-" + i)
          .setState(InstanceState.ACTIVE).setTimestamp(heartbeat).setRegisteredTimestamp(heartbeat);
      for (int t = 0; t < 128; t++) {
        b.addTokens(random.nextInt());
      }
      desc.putInstances(b.getId(), b.build());
    }
    kv.cas("ring", current -> desc.build().toByteArray());
    // No heartbeat timeout: the simulated clock moves, the ring entries do not.
    Ring ring = new Ring(RingConfig.defaults("ingester", "ring").withReplicationFactor(rf)
        .withHeartbeatTimeout(Duration.ZERO), kv, clock, new SimpleMeterRegistry());
    ring.start();
    Map<String, Head> heads = new HashMap<>();
    for (int i = 0; i < ingesters; i++) {
      heads.put("ingester-" + i, new Head(0, new SimpleMeterRegistry()));
    }
    TenantLimits limits = TenantLimits.fixed(WritePath.limits());
    IngesterRouter router = new IngesterRouter(ring, sharding, limits, clock, () -> 1);
    ScheduledExecutorService deadlines = WritePath.deadlines();
    Distributor d = new Distributor(DistributorConfig.defaults(), limits, (tenant, request) -> {
      for (IngesterRouter.Route route : router.route(tenant, request)) {
        for (InstanceDesc replica : route.replicas().instances()) {
          heads.get(replica.getId()).append(tenant, route.request());
        }
      }
    }, clock, deadlines, new SimpleMeterRegistry());
    d.start();
    Path spill = Files.createTempDirectory("bench-symbols-jfr");
    try {
      JfrIngest jfr = new JfrIngest(d, new JfrConfig(spill.toString(), 0), new SimpleMeterRegistry());
      Fleet fleet = new Fleet(Workload.W_S, 1);
      Uploads make = Uploads.fromTestData(fleet);
      for (Planned p : new Schedule(fleet, start, end, true, Set.of(), Set.of())) {
        clock.set(p.timeNanos());
        send(p, make.make(p), d, jfr);
      }
    } finally {
      d.stop();
      deadlines.shutdownNow();
      ring.stop();
      try {
        Files.deleteIfExists(spill);
      } catch (IOException e) {
        // a leftover empty temp directory is harmless
      }
    }
    long[] symbols = new long[ingesters];
    long[] profiles = new long[ingesters];
    int[] partitions = new int[ingesters];
    long profileCount = 0;
    for (int i = 0; i < ingesters; i++) {
      TenantHead h = heads.get("ingester-" + i).find(WritePath.TENANT);
      if (h == null) {
        continue;
      }
      for (TenantHead.Table t : TenantHead.Table.values()) {
        if (t == TenantHead.Table.PROFILES) {
          profiles[i] += h.estimatedBytes(t);
        } else {
          symbols[i] += h.estimatedBytes(t);
        }
      }
      partitions[i] = h.partitions().size();
      profileCount += h.profileCount();
    }
    return new Result(symbols, profiles, partitions, profileCount, (System.nanoTime() - began) / 1e9);
  }

  private static void send(Planned p, Upload u, Distributor d, JfrIngest jfr) {
    if (p.kind().jfr()) {
      HttpRequest req = new HttpRequest("POST", "/ingest", Map.of("format", List.of("jfr")),
          Map.of("content-type", List.of("multipart/form-data; boundary=" + BOUNDARY)),
          Target.multipart(BOUNDARY, "jfr", u.body()));
      HttpResponse resp = jfr.ingest(WritePath.TENANT, req, AppName.parse(Target.appName(u)), u.spyName(),
          p.timeNanos(), p.timeNanos() + u.durationNanos(), 100, WritePath.limits());
      if (resp.status() != 200) {
        throw new IllegalStateException("JFR upload " + p + " answered " + resp.status());
      }
    } else {
      d.push(WritePath.TENANT, Target.pushRequest(u, 1));
    }
  }

  private static void print(int rf, String placement, Result r) {
    List<String> per = new ArrayList<>();
    for (long b : r.symbolBytes()) {
      per.add(String.format(Locale.ROOT, "%.1f", b / 1048576.0));
    }
    List<String> parts = new ArrayList<>();
    for (int n : r.partitions()) {
      parts.add(Integer.toString(n));
    }
    long profileBytes = 0;
    for (long b : r.profileBytes()) {
      profileBytes += b;
    }
    System.out.printf(Locale.ROOT, "%-3d %-26s %10.1f %28s %12.1f %14s %10d %9.1f%n", rf, placement,
        r.totalSymbols() / 1048576.0, String.join(" / ", per), profileBytes / 1048576.0, String.join("/", parts),
        r.profiles(), r.seconds());
  }

  /** A clock set to each upload's time, so rates are measured in the fleet's time. Single-threaded use. */
  private static final class SimulatedClock extends Clock {
    private volatile long nanos;

    SimulatedClock(long nanos) {
      this.nanos = nanos;
    }

    void set(long timeNanos) {
      nanos = Math.max(nanos, timeNanos);
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochSecond(0, nanos);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
