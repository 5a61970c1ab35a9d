package io.flarestack.kv.etcd;

import static java.util.Objects.requireNonNull;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.flarestack.common.lifecycle.AbstractService;
import io.flarestack.common.ring.kv.KvStore;
import io.flarestack.common.ring.kv.KeyWatchers;
import io.flarestack.common.ring.kv.MergeableCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code etcd} ring KV, through jetcd. Every key is stored through its {@link MergeableCodec}
 * ({@code RingMerge} for rings), as the {@code memberlist} backend stores it: etcd holds the merged
 * value with its tombstones, and clients see it without them.
 *
 * <ul>
 *   <li>{@link #cas}: read the stored value and its modification revision (0 when absent), run the
 *       update on the visible value, merge its result into the stored value as a local update
 *       ({@code localCas=true}: what it removed becomes a tombstone, an entry older than the stored
 *       one is ignored), drop tombstones older than the retention, and write in a transaction
 *       {@code If(mod_revision == seen) Then(put)}. A lost race is retried from a fresh read after a
 *       short random backoff (below 5 ms × 2^attempt, at most 200 ms; dskit retries at once), at
 *       most {@code -etcd.max-retries} attempts in all. The merge happens inside that loop, so two
 *       writers never lose each other's entries, and a stale write cannot undo a newer one.
 *   <li>{@link #watch}: one etcd watch per watched key, from the revision after the value read
 *       when it began, so no change is missed; when the watch fails it is re-established (with a
 *       fresh read) after a backoff growing from 1 s to 1 m. Values are ordered by their etcd
 *       modification revision.
 *   <li>Every request waits at most {@code -etcd.dial-timeout}; a failure is an
 *       {@link UncheckedIOException} naming the endpoints.
 * </ul>
 *
 * <p>Every key needs a codec: {@link #cas}, {@link #get} and {@link #watch} of a key the codec
 * function answers null for throw {@link IllegalArgumentException}.
 *
 * <p>Thread-safe. Watchers are notified on jetcd's threads (or, for the first value, the caller's).
 */
public final class EtcdKvStore extends AbstractService implements KvStore {
  private static final Logger log = LoggerFactory.getLogger(EtcdKvStore.class);
  static final Duration MIN_REWATCH_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_REWATCH_BACKOFF = Duration.ofMinutes(1);
  static final long CAS_BACKOFF_BASE_MILLIS = 5;
  static final long CAS_BACKOFF_MAX_MILLIS = 200;

  private final EtcdConfig config;
  private final Function<String, MergeableCodec> codecs;
  private final Clock clock;
  private final Duration tombstoneRetention;
  private final KeyWatchers watchers = new KeyWatchers();
  private final ConcurrentMap<String, KeyWatch> keyWatches = new ConcurrentHashMap<>();
  private volatile Client client;
  private volatile ScheduledExecutorService rewatch;

  /**
   * @param codecs the merge of each key; answers null for keys the store must refuse
   * @param clock stamps the tombstones local updates make
   * @param tombstoneRetention how long a tombstone is kept ({@code -memberlist.left-ingesters-timeout}, 5m)
   */
  public EtcdKvStore(EtcdConfig config, Function<String, MergeableCodec> codecs, Clock clock,
      Duration tombstoneRetention) {
    super("etcd-kv");
    this.config = requireNonNull(config, "config is null");
    this.codecs = requireNonNull(codecs, "codecs is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.tombstoneRetention = requireNonNull(tombstoneRetention, "tombstoneRetention is null");
    if (tombstoneRetention.isNegative()) {
      throw new IllegalArgumentException("tombstone retention must not be negative, got " + tombstoneRetention);
    }
  }

  @Override
  protected void doStart() {
    ClientBuilder builder = Client.builder().endpoints(config.endpoints().toArray(String[]::new))
        .connectTimeout(config.dialTimeout());
    if (!config.username().isEmpty()) {
      builder.user(bytes(config.username())).password(bytes(config.password()));
    }
    client = builder.build();
    rewatch = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "etcd-kv-rewatch");
      t.setDaemon(true);
      return t;
    });
    // Fails the start when etcd cannot be reached, rather than the first ring operation.
    read("flarestack-kv-probe");
  }

  @Override
  protected void doStop() {
    keyWatches.values().forEach(KeyWatch::close);
    keyWatches.clear();
    if (rewatch != null) {
      rewatch.shutdownNow();
    }
    if (client != null) {
      client.close();
    }
  }

  @Override
  public byte[] get(String key) {
    requireNonNull(key, "key is null");
    MergeableCodec codec = codec(key);
    KeyValue kv = read(key);
    return kv == null ? null : codec.visible(kv.getValue().getBytes());
  }

  @Override
  public void cas(String key, UnaryOperator<byte[]> update) {
    requireNonNull(key, "key is null");
    requireNonNull(update, "update is null");
    MergeableCodec codec = codec(key);
    ByteSequence k = bytes(key);
    for (int attempt = 0; attempt < config.maxRetries(); attempt++) {
      KeyValue current = read(key);
      long revision = current == null ? 0 : current.getModRevision();
      byte[] stored = current == null ? null : current.getValue().getBytes();
      byte[] next = update.apply(codec.visible(stored));
      if (next == null) {
        return;
      }
      long now = clock.millis();
      MergeableCodec.Merge merge = codec.merge(stored, next, true, now);
      if (merge == null) {
        return; // the update asked for what is already there, or for something older
      }
      byte[] value = codec.expireTombstones(merge.value(), now - tombstoneRetention.toMillis());
      // An absent key has mod_revision 0 in etcd's comparisons, so this also guards a create.
      boolean won = await(client.getKVClient().txn()
          .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(revision)))
          .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT))
          .commit(), "compare-and-set of " + key).isSucceeded();
      if (won) {
        return;
      }
      if (attempt + 1 < config.maxRetries()) {
        backOff(attempt);
      }
    }
    throw new UncheckedIOException(new IOException("etcd KV: key " + key + " changed concurrently on "
        + config.maxRetries() + " attempts in a row (" + EtcdConfig.MAX_RETRIES.describe() + ")"));
  }

  /**
   * Waits a random time below {@value #CAS_BACKOFF_BASE_MILLIS} ms × 2^{@code attempt} (at most
   * {@value #CAS_BACKOFF_MAX_MILLIS} ms) after a lost race, so writers that collided do not collide
   * again at once: without it, six writers on one key exhaust ten attempts within milliseconds.
   */
  private static void backOff(int attempt) {
    long bound = Math.min(CAS_BACKOFF_MAX_MILLIS, CAS_BACKOFF_BASE_MILLIS << Math.min(attempt, 10));
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextLong(bound + 1)));
  }

  /** The stored value of {@code key} with its tombstones, or null; for tests. */
  byte[] storedValue(String key) {
    KeyValue kv = read(key);
    return kv == null ? null : kv.getValue().getBytes();
  }

  @Override
  public AutoCloseable watch(String key, Consumer<byte[]> listener) {
    requireNonNull(key, "key is null");
    requireNonNull(listener, "listener is null");
    MergeableCodec codec = codec(key);
    AutoCloseable handle = watchers.add(key, listener, () -> versioned(codec, read(key)), () -> {
      KeyWatch w = keyWatches.remove(key);
      if (w != null) {
        w.close();
      }
    });
    keyWatches.computeIfAbsent(key, k -> {
      KeyWatch w = new KeyWatch(k);
      w.begin();
      return w;
    });
    return handle;
  }

  private static KeyWatchers.Versioned versioned(MergeableCodec codec, KeyValue kv) {
    return kv == null ? new KeyWatchers.Versioned(null, 0)
        : new KeyWatchers.Versioned(codec.visible(kv.getValue().getBytes()), kv.getModRevision());
  }

  private MergeableCodec codec(String key) {
    MergeableCodec codec = codecs.apply(key);
    if (codec == null) {
      throw new IllegalArgumentException("etcd KV: no codec for key \"" + key + "\"");
    }
    return codec;
  }

  /** The key's current entry, or null when absent. */
  private KeyValue read(String key) {
    GetResponse r = await(client.getKVClient().get(bytes(key)), "read of " + key);
    return r.getKvs().isEmpty() ? null : r.getKvs().get(0);
  }

  private <T> T await(CompletableFuture<T> future, String what) {
    try {
      return future.get(config.dialTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      throw new UncheckedIOException(new IOException("etcd KV: interrupted during the " + what));
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new UncheckedIOException(new IOException("etcd KV: the " + what + " took longer than "
          + config.dialTimeout() + " (" + EtcdConfig.DIAL_TIMEOUT.describe() + "); endpoints " + config.endpoints()));
    } catch (ExecutionException e) {
      throw new UncheckedIOException(new IOException("etcd KV: the " + what + " failed at " + config.endpoints()
          + ": " + e.getCause(), e.getCause()));
    }
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  /** The etcd watch behind the watchers of one key, re-established with backoff when it fails. */
  private final class KeyWatch {
    private final String key;
    private final MergeableCodec codec;
    private volatile Watch.Watcher watcher;
    /** Which begin() the current watch is from: a failure of an older one is ignored. */
    private final AtomicLong generation = new AtomicLong();
    private volatile boolean closed;
    private long backoffMillis = MIN_REWATCH_BACKOFF.toMillis(); // touched by one thread at a time

    KeyWatch(String key) {
      this.key = key;
      this.codec = codec(key);
    }

    /** Reads the value, offers it, and watches from the next revision, so nothing is missed. */
    void begin() {
      if (closed) {
        return;
      }
      GetResponse r = await(client.getKVClient().get(bytes(key)), "read of " + key);
      if (!r.getKvs().isEmpty()) {
        watchers.offer(key, versioned(codec, r.getKvs().get(0)));
      }
      long next = r.getHeader().getRevision() + 1;
      long g = generation.incrementAndGet();
      watcher = client.getWatchClient().watch(bytes(key), WatchOption.builder().withRevision(next).build(),
          Watch.listener(this::onResponse, t -> onError(g, t), () -> onError(g, null)));
      if (closed) {
        watcher.close();
      }
    }

    private void onResponse(WatchResponse response) {
      backoffMillis = MIN_REWATCH_BACKOFF.toMillis();
      for (WatchEvent event : response.getEvents()) {
        KeyValue kv = event.getKeyValue();
        if (event.getEventType() == WatchEvent.EventType.PUT) {
          watchers.offer(key, versioned(codec, kv));
        } else if (event.getEventType() == WatchEvent.EventType.DELETE) {
          watchers.offer(key, new KeyWatchers.Versioned(null, kv.getModRevision()));
        }
      }
    }

    /** Ends watch generation {@code g} and schedules the next one, once per generation. */
    private void onError(long g, Throwable t) {
      if (closed || !generation.compareAndSet(g, g + 1)) {
        return; // stopping, or this generation already ended
      }
      Watch.Watcher w = watcher;
      if (w != null) {
        w.close();
      }
      long delay = backoffMillis;
      backoffMillis = Math.min(backoffMillis * 2, MAX_REWATCH_BACKOFF.toMillis());
      log.warn("etcd KV: the watch of key {} ended ({}); watching again in {} ms", key,
          t == null ? "completed" : t.toString(), delay);
      try {
        rewatch.schedule(this::retry, delay, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        log.debug("etcd KV: stopping; the watch of key {} is not renewed", key);
      }
    }

    private void retry() {
      try {
        begin();
      } catch (RuntimeException e) {
        onError(generation.get(), e);
      }
    }

    void close() {
      closed = true;
      Watch.Watcher w = watcher;
      if (w != null) {
        w.close();
      }
    }
  }
}
