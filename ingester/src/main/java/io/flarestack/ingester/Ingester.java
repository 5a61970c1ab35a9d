package io.flarestack.ingester;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.ingester.v1.PushRequest;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.lifecycle.AbstractService;
import io.flarestack.common.lifecycle.BackgroundLoop;
import io.flarestack.ingester.flush.LocalStore;
import io.flarestack.ingester.head.Head;
import io.flarestack.ingester.head.PreparedPush;
import io.flarestack.ingester.wal.Wal;
import io.flarestack.ingester.wal.WalPosition;
import io.flarestack.ingester.wal.WalRecord;
import io.flarestack.objstore.Bucket;
import io.flarestack.storage.query.ProfileSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingester component: owns the in-memory {@link Head}, its write-ahead log and its local
 * blocks, and answers pushes and queries for recent data.
 *
 * <p>Durability: a push is validated against the head first (a rejected push is never logged),
 * then appended to the log and fsynced together with concurrent pushes (group commit), and only
 * then committed to the head and acknowledged. At start the log is replayed into the head before
 * the service reports RUNNING, so every acknowledged push survives a crash. Head windows are cut
 * into blocks once they end (and at shutdown), written locally, uploaded, and the log segments
 * they cover deleted ({@link LocalStore}). Thread-safe.
 */
public final class Ingester extends AbstractService {
  private static final Logger log = LoggerFactory.getLogger(Ingester.class);

  private final IngesterConfig config;
  private final Bucket bucket;
  private final Clock clock;
  private final MeterRegistry registry;
  private final Head head;
  private final ConcurrentHashMap<String, CommitOrder> commitOrders = new ConcurrentHashMap<>();
  // Pushes hold it for reading from prepare to commit; cutting heads and truncating the log
  // take it for writing, so neither sees a push half done.
  private final ReentrantReadWriteLock pushLock = new ReentrantReadWriteLock();
  private final Counter replayFailures;
  // Set under the push lock's write side, read under its read side: once it is set, no push
  // commits any more, so a cut taken afterwards holds every push this ingester acknowledged.
  private volatile boolean leaving;
  private DataDirLock dirLock;
  private Wal wal;
  private LocalStore store;
  private ScheduledExecutorService flushThread;
  private BackgroundLoop flushLoop;

  /**
   * @param bucket where blocks are uploaded; null keeps them on local disk only
   */
  public Ingester(IngesterConfig config, Bucket bucket, Clock clock, MeterRegistry registry) {
    super("ingester");
    this.config = requireNonNull(config, "config is null");
    this.bucket = bucket;
    this.clock = requireNonNull(clock, "clock is null");
    this.registry = requireNonNull(registry, "registry is null");
    this.head = new Head(config.maxLocalSeriesPerTenant(), config.maxBlockDuration(), registry);
    this.replayFailures = Counter.builder("pyroscope.ingester.wal.replay.failures")
        .description("Logged pushes the head rejected on replay (e.g. after a series limit was lowered).")
        .register(registry);
  }

  /** An ingester without object storage (blocks stay local), on the system clock. */
  public Ingester(IngesterConfig config, MeterRegistry registry) {
    this(config, null, Clock.systemUTC(), registry);
  }

  public IngesterConfig config() {
    return config;
  }

  public Head head() {
    return head;
  }

  /**
   * Stores a push for a tenant: returns once it is durable in the write-ahead log and visible
   * to queries.
   *
   * @throws FlarestackException unavailable when the ingester is not running or the log cannot
   *     be written (resource_exhausted when the disk is full), the message naming the reason but
   *     no server path;
   *     invalid_argument or resource_exhausted from the head's validation
   */
  public void push(String tenant, PushRequest request) {
    requireNonNull(tenant, "tenant is null");
    requireNonNull(request, "request is null");
    requireRunning();
    if (request.getSeriesCount() == 0) {
      return;
    }
    pushLock.readLock().lock();
    try {
      if (leaving) {
        throw new FlarestackException(ErrorCode.UNAVAILABLE, "ingester is leaving the ring and takes no more pushes"
            + " (its head is being flushed to object storage); distributors route them to the next ACTIVE ingester");
      }
      PreparedPush prepared = head.prepare(tenant, request, Head.WindowFilter.ALL);
      if (prepared.profileCount() == 0) {
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
      WalPosition position;
      try {
        position = durable.join();
      } catch (CompletionException e) {
        order.skip(ticket);
        throw FlarestackException.from(e.getCause() != null ? e.getCause() : e);
      }
      order.commit(ticket, () -> head.commit(prepared, position.segment()));
    } finally {
      pushLock.readLock().unlock();
    }
  }

  /**
   * What a query of the tenant reads: its head windows and local blocks, minus the blocks in
   * {@code excludeBlocks} (read from the store-gateways instead).
   */
  public List<ProfileSource> sources(String tenant, Collection<String> excludeBlocks) {
    requireRunning();
    return store.sources(tenant, excludeBlocks);
  }

  /** The flusher's local side (tests and tools). */
  public LocalStore store() {
    return store;
  }

  /** Runs one flush pass now (tests; the flush thread runs them periodically). */
  public void flushNow() {
    requireRunning();
    store.tick();
  }

  /**
   * Moves everything this ingester holds into object storage before it leaves the ring; called
   * while it is LEAVING (the lifecycler's before-leaving hook), while it still answers queries.
   * Stops the periodic flusher, then:
   *
   * <ol>
   *   <li>cuts every head window into a block and uploads every local block, still accepting
   *       pushes (distributors whose view of the ring lags may still send some);
   *   <li>runs {@code whileAcceptingPushes} (the caller waits there until distributors have seen
   *       the LEAVING state), then takes no more pushes ({@code UNAVAILABLE}), and cuts and
   *       uploads what arrived meanwhile.
   * </ol>
   *
   * Uploaded local blocks are kept (not retired) and served until the ingester stops, so the
   * store-gateways can be given time to find them. A failed upload is retried with a growing pause
   * up to {@code uploadAttempts} passes. Call from one thread, once.
   *
   * @return the blocks this ingester serves, every one of them uploaded
   * @throws IOException when some block is still not uploaded after every attempt (its data stays
   *     in the local block and the write-ahead log)
   * @throws IllegalStateException when the ingester is not running
   */
  public List<LocalStore.BlockInfo> flushForLeaving(Runnable whileAcceptingPushes, int uploadAttempts)
      throws IOException {
    requireRunning();
    long began = System.nanoTime();
    stopFlushLoop();
    LocalStore.FlushStats first = store.flushAll(false);
    log.info("leaving: flushed the head into {} blocks and uploaded {} in {} ms; still accepting pushes", first.cut(),
        first.uploaded(), (System.nanoTime() - began) / 1_000_000);
    whileAcceptingPushes.run();
    pushLock.writeLock().lock();
    try {
      leaving = true;
    } finally {
      pushLock.writeLock().unlock();
    }
    long second = System.nanoTime();
    LocalStore.FlushStats last = store.flushAll(false);
    for (int attempt = 1; store.pendingUploads() > 0 && attempt < uploadAttempts; attempt++) {
      log.warn("leaving: {} blocks not uploaded yet; retrying in {} s", store.pendingUploads(), attempt);
      LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(attempt));
      store.flushAll(false);
    }
    int pending = store.pendingUploads();
    if (bucket == null) {
      log.warn("leaving: no object storage is configured, so {} blocks stay on this ingester's local disk",
          pending);
    } else if (pending > 0) {
      throw new IOException(pending + " local blocks could not be uploaded to object storage after " + uploadAttempts
          + " attempts; they stay on local disk and in the write-ahead log");
    }
    List<LocalStore.BlockInfo> blocks = store.blocks();
    log.info("leaving: took no more pushes after {} ms; flushed {} late blocks in {} ms; {} local blocks, {} in"
        + " object storage", (second - began) / 1_000_000, last.cut(), (System.nanoTime() - second) / 1_000_000,
        blocks.size(), blocks.stream().filter(LocalStore.BlockInfo::uploaded).count());
    return blocks;
  }

  private void stopFlushLoop() {
    if (flushLoop != null) {
      flushLoop.stop();
    }
    if (flushThread != null) {
      flushThread.shutdown();
      try {
        flushThread.awaitTermination(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void requireRunning() {
    State s = state();
    if (s != State.RUNNING) {
      throw new FlarestackException(ErrorCode.UNAVAILABLE, "ingester is not running (state " + s + ")");
    }
  }

  @Override
  protected void doStart() throws IOException {
    WalRecord.loadCodec();
    dirLock = DataDirLock.acquire(config.dataPath());
    wal = Wal.open(config.walDir(), config.walSegmentBytes(), registry);
    store = LocalStore.open(config, head, wal, bucket, pushLock, clock, registry);
    long started = System.nanoTime();
    long replayed = wal.replay((lsn, segment, record) -> {
      try {
        head.commit(head.prepare(record.tenant(), record.request(),
            (tenant, window) -> !store.covered(tenant, window, lsn)), segment);
      } catch (FlarestackException e) {
        replayFailures.increment();
        log.error("write-ahead log record LSN {} (tenant {}) was rejected on replay: {}", lsn, record.tenant(),
            e.getMessage());
      }
    });
    if (replayed > 0) {
      log.info("replayed {} pushes from the write-ahead log in {} ms", replayed, (System.nanoTime() - started) / 1_000_000);
    }
    wal.start(store.lsnFloor());
    flushThread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ingester-flush");
      t.setDaemon(true);
      return t;
    });
    // A pass that throws is retried with backoff; one that keeps failing fails the ingester
    // (visible on /ready) instead of silently ending every later flush.
    flushLoop = new BackgroundLoop("ingester-flush", store::tick, BackgroundLoop.Policy.of(flushPeriod()), flushThread,
        registry, t -> fail(new IllegalStateException("the flush loop stopped: " + t, t)));
    flushLoop.start();
  }

  /** How often the flusher looks for ended windows: a fraction of the window, 100 ms to 10 s. */
  private Duration flushPeriod() {
    long ms = config.maxBlockDuration().toMillis() / 8;
    return Duration.ofMillis(Math.max(100, Math.min(ms, 10_000)));
  }

  @Override
  protected void doStop() throws IOException {
    try {
      stopFlushLoop();
      if (store != null && wal != null) {
        store.flushAll(true);
      }
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
