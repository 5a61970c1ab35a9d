package io.flarestack.ingester;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.ingester.v1.PushRequest;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.lifecycle.AbstractService;
import io.flarestack.ingester.head.Head;
import io.flarestack.ingester.head.PreparedBatch;
import io.flarestack.ingester.head.TenantHead;
import io.flarestack.ingester.query.HeadQuerier;
import io.flarestack.ingester.wal.Wal;
import io.flarestack.ingester.wal.WalPosition;
import io.flarestack.ingester.wal.WalRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingester component: owns the in-memory {@link Head} and its write-ahead log, and answers
 * pushes and head queries.
 *
 * <p>Durability: a push is validated against the head first (a rejected push is never logged),
 * then appended to the log and fsynced together with concurrent pushes (group commit), and only
 * then committed to the head and acknowledged. At start the log is replayed into the head before
 * the service reports RUNNING, so every acknowledged push survives a crash. Thread-safe.
 */
public final class Ingester extends AbstractService {
  private static final Logger log = LoggerFactory.getLogger(Ingester.class);

  private final IngesterConfig config;
  private final MeterRegistry registry;
  private final Head head;
  private final HeadQuerier querier = new HeadQuerier();
  private final ConcurrentHashMap<String, CommitOrder> commitOrders = new ConcurrentHashMap<>();
  private final Counter replayFailures;
  private DataDirLock dirLock;
  private Wal wal;

  public Ingester(IngesterConfig config, MeterRegistry registry) {
    super("ingester");
    this.config = requireNonNull(config, "config is null");
    this.registry = requireNonNull(registry, "registry is null");
    this.head = new Head(config.maxLocalSeriesPerTenant(), registry);
    this.replayFailures = Counter.builder("pyroscope.ingester.wal.replay.failures")
        .description("Logged pushes the head rejected on replay (e.g. after a series limit was lowered).")
        .register(registry);
  }

  public IngesterConfig config() {
    return config;
  }

  public Head head() {
    return head;
  }

  public HeadQuerier querier() {
    return querier;
  }

  /**
   * Stores a push for a tenant: returns once it is durable in the write-ahead log and visible
   * to queries.
   *
   * @throws FlarestackException unavailable when the ingester is not running or the log cannot
   *     be written (resource_exhausted when the disk is full), the message naming the file;
   *     invalid_argument or resource_exhausted from the head's validation
   */
  public void push(String tenant, PushRequest request) {
    requireNonNull(tenant, "tenant is null");
    requireNonNull(request, "request is null");
    requireRunning();
    if (request.getSeriesCount() == 0) {
      return;
    }
    TenantHead th = head.tenant(tenant);
    PreparedBatch batch = th.prepare(request.getSeriesList());
    if (batch.profileCount() == 0) {
      return;
    }
    byte[] record = new WalRecord(tenant, request).encode();
    CommitOrder order = commitOrders.computeIfAbsent(tenant, t -> new CommitOrder());
    long ticket;
    CompletableFuture<WalPosition> durable;
    synchronized (order) {
      ticket = order.take();
      durable = wal.append(record);
    }
    try {
      durable.join();
    } catch (CompletionException e) {
      order.skip(ticket);
      throw FlarestackException.from(e.getCause() != null ? e.getCause() : e);
    }
    order.commit(ticket, () -> th.commit(batch));
  }

  /** The tenant's head for reading, or null when it has no data. */
  public TenantHead headForRead(String tenant) {
    requireRunning();
    return head.find(tenant);
  }

  private void requireRunning() {
    State s = state();
    if (s != State.RUNNING) {
      throw new FlarestackException(ErrorCode.UNAVAILABLE, "ingester is not running (state " + s + ")");
    }
  }

  @Override
  protected void doStart() throws IOException {
    dirLock = DataDirLock.acquire(config.dataPath());
    wal = Wal.open(config.walDir(), config.walSegmentBytes(), registry);
    long started = System.nanoTime();
    long replayed = wal.replay((lsn, segment, record) -> {
      try {
        head.append(record.tenant(), record.request());
      } catch (FlarestackException e) {
        replayFailures.increment();
        log.error("write-ahead log record LSN {} (tenant {}) was rejected on replay: {}", lsn, record.tenant(),
            e.getMessage());
      }
    });
    if (replayed > 0) {
      log.info("replayed {} pushes from the write-ahead log in {} ms", replayed, (System.nanoTime() - started) / 1_000_000);
    }
    wal.start(0);
  }

  @Override
  protected void doStop() throws IOException {
    try {
      if (wal != null) {
        wal.close();
      }
      head.close();
    } finally {
      if (dirLock != null) {
        dirLock.close();
      }
    }
  }
}
