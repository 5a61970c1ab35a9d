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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code etcd} ring KV, through jetcd: etcd serialises writes, so values are stored as they
 * are (no {@link io.flarestack.common.ring.kv.MergeableCodec}).
 *
 * <ul>
 *   <li>{@link #cas} as dskit does it: read the key and its version (0 when absent), run the
 *       update, and write in a transaction {@code If(version == seen) Then(put)}; a lost race is
 *       retried, at most {@code -etcd.max-retries} times in all.
 *   <li>{@link #watch}: one etcd watch per watched key, from the revision after the value read
 *       when it began, so no change is missed; when the watch fails it is re-established (with a
 *       fresh read) after a backoff growing from 1 s to 1 m. Values are ordered by their etcd
 *       modification revision.
 *   <li>Every request waits at most {@code -etcd.dial-timeout}; a failure is an
 *       {@link UncheckedIOException} naming the endpoints.
 * </ul>
 *
 * <p>Thread-safe. Watchers are notified on jetcd's threads (or, for the first value, the caller's).
 */
public final class EtcdKvStore extends AbstractService implements KvStore {
  private static final Logger log = LoggerFactory.getLogger(EtcdKvStore.class);
  static final Duration MIN_REWATCH_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_REWATCH_BACKOFF = Duration.ofMinutes(1);

  private final EtcdConfig config;
  private final KeyWatchers watchers = new KeyWatchers();
  private final ConcurrentMap<String, KeyWatch> keyWatches = new ConcurrentHashMap<>();
  private volatile Client client;
  private volatile ScheduledExecutorService rewatch;

  public EtcdKvStore(EtcdConfig config) {
    super("etcd-kv");
    this.config = requireNonNull(config, "config is null");
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
    KeyValue kv = read(key);
    return kv == null ? null : kv.getValue().getBytes();
  }

  @Override
  public void cas(String key, UnaryOperator<byte[]> update) {
    requireNonNull(key, "key is null");
    requireNonNull(update, "update is null");
    ByteSequence k = bytes(key);
    for (int attempt = 0; attempt < config.maxRetries(); attempt++) {
      KeyValue current = read(key);
      long version = current == null ? 0 : current.getVersion();
      byte[] next = update.apply(current == null ? null : current.getValue().getBytes());
      if (next == null) {
        return;
      }
      boolean won = await(client.getKVClient().txn()
          .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(version)))
          .Then(Op.put(k, ByteSequence.from(next), PutOption.DEFAULT))
          .commit(), "compare-and-set of " + key).isSucceeded();
      if (won) {
        return;
      }
    }
    throw new UncheckedIOException(new IOException("etcd KV: key " + key + " changed concurrently on "
        + config.maxRetries() + " attempts in a row (" + EtcdConfig.MAX_RETRIES.describe() + ")"));
  }

  @Override
  public AutoCloseable watch(String key, Consumer<byte[]> listener) {
    requireNonNull(key, "key is null");
    requireNonNull(listener, "listener is null");
    AutoCloseable handle = watchers.add(key, listener, () -> versioned(read(key)), () -> {
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

  private static KeyWatchers.Versioned versioned(KeyValue kv) {
    return kv == null ? new KeyWatchers.Versioned(null, 0)
        : new KeyWatchers.Versioned(kv.getValue().getBytes(), kv.getModRevision());
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
    private volatile Watch.Watcher watcher;
    /** Which begin() the current watch is from: a failure of an older one is ignored. */
    private final AtomicLong generation = new AtomicLong();
    private volatile boolean closed;
    private long backoffMillis = MIN_REWATCH_BACKOFF.toMillis(); // touched by one thread at a time

    KeyWatch(String key) {
      this.key = key;
    }

    /** Reads the value, offers it, and watches from the next revision, so nothing is missed. */
    void begin() {
      if (closed) {
        return;
      }
      GetResponse r = await(client.getKVClient().get(bytes(key)), "read of " + key);
      if (!r.getKvs().isEmpty()) {
        watchers.offer(key, versioned(r.getKvs().get(0)));
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
          watchers.offer(key, versioned(kv));
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
