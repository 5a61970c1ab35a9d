package io.flarestack.objstore;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Records every bucket call as the Thanos objstore client does in Pyroscope:
 * {@code objstore_bucket_operations_total}, {@code objstore_bucket_operation_failures_total} and
 * {@code objstore_bucket_operation_duration_seconds} (classic histogram), labelled
 * {@code bucket} (the backend's {@link Bucket#name()}) and {@code operation} ({@code get},
 * {@code get_range}, {@code upload}, {@code delete}, {@code exists}, {@code attributes},
 * {@code iter}). A read is timed until its stream is closed, and a failure while reading counts.
 * A missing object is an answer, not a failure, so readers probing for {@code meta.json} do not
 * raise the failure rate. Thread-safe when the wrapped bucket is.
 */
public final class InstrumentedBucket implements Bucket {
  /** Thanos' buckets for {@code objstore_bucket_operation_duration_seconds}. */
  private static final double[] DURATION_BUCKETS = {0.01, 0.1, 0.3, 0.6, 1, 3, 6, 9, 20, 30, 60, 90, 120};

  enum Operation {
    GET, GET_RANGE, UPLOAD, DELETE, EXISTS, ATTRIBUTES, ITER;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private record Meters(Counter operations, Counter failures, Timer duration) {}

  private final Bucket delegate;
  private final Map<Operation, Meters> meters = new EnumMap<>(Operation.class);

  public InstrumentedBucket(Bucket delegate, MeterRegistry registry) {
    this.delegate = requireNonNull(delegate, "delegate is null");
    requireNonNull(registry, "registry is null");
    Duration[] slos = new Duration[DURATION_BUCKETS.length];
    for (int i = 0; i < slos.length; i++) {
      slos[i] = Duration.ofMillis(Math.round(DURATION_BUCKETS[i] * 1000));
    }
    String bucket = delegate.name();
    // Registered up front so every operation exports a zero before its first call.
    for (Operation op : Operation.values()) {
      meters.put(op, new Meters(
          Counter.builder("objstore.bucket.operations")
              .description("Total number of all attempted operations against a bucket.")
              .tag("bucket", bucket).tag("operation", op.label()).register(registry),
          Counter.builder("objstore.bucket.operation.failures")
              .description("Total number of operations against a bucket that failed, but were not expected to fail"
                  + " in certain way from caller perspective. Those errors have to be investigated.")
              .tag("bucket", bucket).tag("operation", op.label()).register(registry),
          Timer.builder("objstore.bucket.operation.duration")
              .description("Duration of successful operations against the bucket per operation - iter operations"
                  + " include time spent on each callback.")
              .tag("bucket", bucket).tag("operation", op.label())
              .serviceLevelObjectives(slos)
              .register(registry)));
    }
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public InputStream get(String key) throws IOException {
    return timedStream(Operation.GET, () -> delegate.get(key));
  }

  @Override
  public InputStream getRange(String key, long offset, long length) throws IOException {
    return timedStream(Operation.GET_RANGE, () -> delegate.getRange(key, offset, length));
  }

  @Override
  public void upload(String key, InputStream data, long length) throws IOException {
    timed(Operation.UPLOAD, () -> {
      delegate.upload(key, data, length);
      return null;
    });
  }

  @Override
  public void delete(String key) throws IOException {
    timed(Operation.DELETE, () -> {
      delegate.delete(key);
      return null;
    });
  }

  @Override
  public boolean exists(String key) throws IOException {
    return timed(Operation.EXISTS, () -> delegate.exists(key));
  }

  @Override
  public ObjectAttributes attributes(String key) throws IOException {
    return timed(Operation.ATTRIBUTES, () -> delegate.attributes(key));
  }

  @Override
  public List<String> list(String prefix, boolean recursive) throws IOException {
    return timed(Operation.ITER, () -> delegate.list(prefix, recursive));
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  private interface Call<T> {
    T run() throws IOException;
  }

  private <T> T timed(Operation op, Call<T> call) throws IOException {
    Meters m = meters.get(op);
    m.operations().increment();
    long start = System.nanoTime();
    try {
      T result = call.run();
      m.duration().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      return result;
    } catch (ObjectNotFoundException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      m.failures().increment();
      throw e;
    }
  }

  private InputStream timedStream(Operation op, Call<InputStream> call) throws IOException {
    Meters m = meters.get(op);
    m.operations().increment();
    long start = System.nanoTime();
    InputStream in;
    try {
      in = call.run();
    } catch (ObjectNotFoundException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      m.failures().increment();
      throw e;
    }
    return new TimedInputStream(in, m, start);
  }

  /** Records the read's duration on close, or a failure if reading failed. */
  private static final class TimedInputStream extends FilterInputStream {
    private final Meters meters;
    private final long start;
    private boolean failed;
    private boolean closed;

    TimedInputStream(InputStream in, Meters meters, long start) {
      super(in);
      this.meters = meters;
      this.start = start;
    }

    @Override
    public int read() throws IOException {
      try {
        return in.read();
      } catch (IOException | RuntimeException e) {
        fail();
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return in.read(b, off, len);
      } catch (IOException | RuntimeException e) {
        fail();
        throw e;
      }
    }

    @Override
    public long skip(long n) throws IOException {
      try {
        return in.skip(n);
      } catch (IOException | RuntimeException e) {
        fail();
        throw e;
      }
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try {
        in.close();
      } catch (IOException | RuntimeException e) {
        fail();
        throw e;
      } finally {
        if (!failed) {
          meters.duration().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
      }
    }

    private void fail() {
      if (!failed) {
        failed = true;
        meters.failures().increment();
      }
    }
  }
}
