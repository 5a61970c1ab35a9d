package io.flarestack.bench.jmh;

import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.bench.fleet.Fleet;
import io.flarestack.bench.fleet.Kind;
import io.flarestack.bench.fleet.Planned;
import io.flarestack.bench.fleet.Schedule;
import io.flarestack.bench.fleet.Upload;
import io.flarestack.bench.fleet.Uploads;
import io.flarestack.bench.fleet.Workload;
import io.flarestack.bench.load.Target;
import io.flarestack.distributor.Distributor;
import io.flarestack.ingester.head.Head;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A head holding the CPU profiles of one W-S service ({@code svc-7}: 5 Go pods uploading every
 * 15 s, with the fleet's stack churn) over a time span, written through the real distributor and
 * head, exactly as the server would store them. Deterministic (seed 1, fixed end time).
 */
final class ServiceHead {
  static final String SERVICE = "svc-7";
  /** A fixed end, so the data does not depend on when the benchmark runs. */
  static final long END_NANOS = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond() * 1_000_000_000L;

  final Head head;
  final long startNanos;
  final long endNanos;
  final int profiles;

  ServiceHead(int profiles) {
    Fleet fleet = new Fleet(Workload.W_S, 1);
    Uploads uploads = Uploads.fromTestData(fleet);
    long pods = Workload.W_S.podsPerService();
    long span = Duration.ofSeconds(15).toNanos() * ((profiles + pods - 1) / pods);
    this.startNanos = END_NANOS - span;
    this.endNanos = END_NANOS;
    this.head = new Head(0, new SimpleMeterRegistry());
    ScheduledExecutorService deadlines = WritePath.deadlines();
    Distributor d = WritePath.distributor((tenant, req) -> head.append(tenant, req), deadlines);
    int n = 0;
    try {
      for (Planned p : new Schedule(fleet, startNanos, endNanos, false, Set.of(Kind.GO_CPU), Set.of(SERVICE))) {
        if (n == profiles) {
          break;
        }
        Upload u = uploads.make(p);
        PushRequest push = Target.pushRequest(u, 1);
        d.push(WritePath.TENANT, push);
        n++;
      }
    } finally {
      d.stop();
      deadlines.shutdownNow();
    }
    this.profiles = n;
  }
}
