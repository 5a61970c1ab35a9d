package io.flarestack.server.cluster;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.api.storegateway.v1.BlockRef;
import io.flarestack.api.storegateway.v1.BlocksRequest;
import io.flarestack.api.storegateway.v1.StoreGatewayServiceGrpc.StoreGatewayServiceBlockingStub;
import io.flarestack.common.client.ClientPool;
import io.flarestack.common.lifecycle.AbstractService;
import io.flarestack.common.ring.Operation;
import io.flarestack.common.ring.Ring;
import io.flarestack.common.tenant.Tenant;
import io.flarestack.ingester.Ingester;
import io.flarestack.ingester.flush.LocalStore;
import io.grpc.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an ingester leaves the ring on a clean stop (SIGTERM) without losing a push or making a
 * query miss or double-count a profile. The lifecycler turns the instance LEAVING, so
 * distributors route new pushes to the next ACTIVE ingester while queriers keep reading this one;
 * then, in {@link #beforeLeaving()} (the lifecycler's hook, heartbeats going on):
 *
 * <ol>
 *   <li><b>flush</b>: the head is cut into blocks and every block uploaded; pushes from
 *       distributors whose view of the ring still says ACTIVE are taken for one grace period
 *       after LEAVING, then refused, and what they brought is flushed too
 *       ({@link Ingester#flushForLeaving});
 *   <li><b>hand over</b>: waits until every healthy store-gateway lists every one of those
 *       blocks. From then on a query plans them on the store-gateway and tells this ingester to
 *       leave them out ({@code exclude_blocks}), so it counts them once either way;
 *   <li><b>settle</b>: stays in the ring one grace period more, so that a query whose plan was
 *       made before the store-gateway had the blocks still finds this ingester when it reads.
 * </ol>
 *
 * Then the lifecycler unregisters (or keeps the entry, per {@code -ingester.unregister-on-shutdown}),
 * and {@link #stop()} keeps this ingester answering queries one grace period more, for queriers
 * whose view of the ring still lists it; then the ingester itself stops. The grace period stands
 * for how far a process's view of the ring may lag (memberlist gossip) plus a query's time between
 * its plan and its read of the ingesters.
 *
 * <p>With an in-memory ring every reader is in this process and stops with it, so there is
 * nothing to hand over or wait for: only the flush runs. Not thread-safe: the lifecycler and the
 * composite call it from the stopping thread.
 */
public final class IngesterLeave extends AbstractService {
  private static final Logger log = LoggerFactory.getLogger(IngesterLeave.class);
  private static final int UPLOAD_ATTEMPTS = 5;
  private static final Duration POLL = Duration.ofMillis(200);

  /**
   * The store-gateways that must serve this ingester's blocks before it leaves.
   *
   * @param ring the store-gateway ring (read side)
   * @param clients gRPC clients by address
   * @param timeout how long to wait for them before leaving anyway
   */
  public record StoreGateways(Ring ring, ClientPool<StoreGatewayServiceBlockingStub> clients, Duration timeout) {
    public StoreGateways {
      requireNonNull(ring, "ring is null");
      requireNonNull(clients, "clients is null");
      requireNonNull(timeout, "timeout is null");
    }
  }

  private final Ingester ingester;
  private final StoreGateways storeGateways; // null: readers live in this process only
  private final Duration grace;
  private final Timer flushOk;
  private final Timer flushFailed;
  private long leavingSince;

  /**
   * @param storeGateways null when the ring lives in this process only (nothing to hand over)
   * @param grace how long a view of the ring may lag; ignored without store-gateways
   */
  public IngesterLeave(Ingester ingester, StoreGateways storeGateways, Duration grace, MeterRegistry registry) {
    super("ingester-leave");
    this.ingester = requireNonNull(ingester, "ingester is null");
    this.storeGateways = storeGateways;
    this.grace = storeGateways == null ? Duration.ZERO : requireNonNull(grace, "grace is null");
    // dskit's lifecycler metric for the flush on shutdown, with Pyroscope's prefix.
    this.flushOk = shutdownTimer(registry, "success");
    this.flushFailed = shutdownTimer(registry, "fail");
  }

  private static Timer shutdownTimer(MeterRegistry registry, String status) {
    return Timer.builder("pyroscope.shutdown.duration")
        .description("Duration (in seconds) of shutdown procedure (ie transfer or flush).")
        .serviceLevelObjectives(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300), Duration.ofSeconds(600))
        .tags("name", "ingester", "op", "flush", "status", status).register(registry);
  }

  @Override
  protected void doStart() {}

  /** The lifecycler's before-leaving hook: flush, hand over, settle (see the class comment). */
  public void beforeLeaving() throws Exception {
    leavingSince = System.nanoTime();
    log.info("leaving: the ingester is LEAVING the ring; distributors send new pushes to the next ACTIVE ingester");
    List<LocalStore.BlockInfo> blocks;
    try {
      blocks = ingester.flushForLeaving(() -> parkUntil(leavingSince + grace.toNanos()), UPLOAD_ATTEMPTS);
      flushOk.record(System.nanoTime() - leavingSince, TimeUnit.NANOSECONDS);
    } catch (Exception e) {
      flushFailed.record(System.nanoTime() - leavingSince, TimeUnit.NANOSECONDS);
      throw e;
    }
    log.info("leaving: phase flush done {} ms after LEAVING: {} blocks in object storage", sinceLeaving(),
        blocks.size());
    if (storeGateways == null) {
      return;
    }
    handOver(blocks);
    parkUntil(System.nanoTime() + grace.toNanos());
    log.info("leaving: phase settle done {} ms after LEAVING; leaving the ring", sinceLeaving());
  }

  /** Waits until every healthy store-gateway lists every uploaded block, or the timeout passes. */
  private void handOver(List<LocalStore.BlockInfo> blocks) {
    Map<String, Set<String>> byTenant = new LinkedHashMap<>();
    for (LocalStore.BlockInfo b : blocks) {
      if (b.uploaded()) {
        byTenant.computeIfAbsent(b.tenant(), t -> new HashSet<>()).add(b.id());
      }
    }
    long started = System.nanoTime();
    long deadline = started + storeGateways.timeout().toNanos();
    List<String> missing = missing(byTenant);
    while (missing != null && !missing.isEmpty() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(POLL.toNanos());
      missing = missing(byTenant);
    }
    long waited = (System.nanoTime() - started) / 1_000_000;
    if (missing == null) {
      // No store-gateway runs: queriers read the ingesters only, and there is nobody to hand over to.
      log.warn("leaving: phase hand-over skipped {} ms after LEAVING: no store-gateway is in the ring; this"
          + " ingester's blocks are in object storage, but no query reads them until a store-gateway runs",
          sinceLeaving());
    } else if (missing.isEmpty()) {
      log.info("leaving: phase hand-over done {} ms after LEAVING: the store-gateways serve all {} blocks (waited {}"
          + " ms)", sinceLeaving(), byTenant.values().stream().mapToInt(Set::size).sum(), waited);
    } else {
      log.error("leaving: after {} ms the store-gateways still do not serve every block of this ingester ({}); leaving"
          + " anyway: queries miss those profiles until the store-gateways sync the bucket (see"
          + " -blocks-storage.bucket-store.sync-interval)", waited, String.join("; ", missing));
    }
  }

  /**
   * What each healthy store-gateway does not serve yet: empty when all serve everything, null
   * when the ring has no healthy store-gateway.
   */
  private List<String> missing(Map<String, Set<String>> byTenant) {
    if (byTenant.isEmpty()) {
      return List.of();
    }
    List<InstanceDesc> gateways;
    try {
      gateways = storeGateways.ring().instances().isEmpty() ? List.of()
          : storeGateways.ring().getAllHealthy(Operation.READ).instances();
    } catch (RuntimeException e) {
      return List.of("store-gateway ring: " + e.getMessage());
    }
    if (gateways.isEmpty()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (InstanceDesc g : gateways) {
      StoreGatewayServiceBlockingStub stub = storeGateways.clients().get(g.getAddr());
      for (Map.Entry<String, Set<String>> e : byTenant.entrySet()) {
        Set<String> lacking = new HashSet<>(e.getValue());
        try {
          // Start and end 0: every block of the tenant, as the store-gateway would plan them.
          List<BlockRef> served = Context.current().withValue(Tenant.CONTEXT_KEY, e.getKey()).call(() ->
              stub.withDeadlineAfter(10, TimeUnit.SECONDS).blocks(BlocksRequest.newBuilder().build()).getBlocksList());
          for (BlockRef b : served) {
            lacking.remove(b.getId());
            lacking.removeAll(b.getSourcesList()); // compacted into a block that is served
          }
        } catch (Exception ex) {
          out.add(g.getId() + ": " + ex.getMessage());
          continue;
        }
        if (!lacking.isEmpty()) {
          out.add(g.getId() + " lacks " + lacking.size() + " blocks of tenant " + e.getKey());
        }
      }
    }
    return out;
  }

  /** After the lifecycler left the ring: answer queries one grace period more, then let the ingester stop. */
  @Override
  protected void doStop() {
    if (leavingSince == 0 || storeGateways == null) {
      return;
    }
    log.info("leaving: left the ring {} ms after LEAVING; answering queries for {} more", sinceLeaving(), grace);
    parkUntil(System.nanoTime() + grace.toNanos());
    log.info("leaving: phase drain done {} ms after LEAVING; the ingester stops", sinceLeaving());
  }

  private long sinceLeaving() {
    return (System.nanoTime() - leavingSince) / 1_000_000;
  }

  private static void parkUntil(long deadlineNanos) {
    for (long now = System.nanoTime(); now < deadlineNanos; now = System.nanoTime()) {
      LockSupport.parkNanos(deadlineNanos - now);
    }
  }
}
