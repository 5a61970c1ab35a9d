package io.flarestack.objstore;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.lifecycle.AbstractService;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the object store answers, for {@code /ready}: probes it at start and then
 * periodically with a cheap existence check. An unreachable bucket never fails the start (the
 * ingester keeps taking pushes into its write-ahead log and uploads later); the service is
 * unhealthy, with a reason naming the bucket and the error, until a probe succeeds.
 * Thread-safe.
 */
public final class BucketHealth extends AbstractService {
  private static final Logger log = LoggerFactory.getLogger(BucketHealth.class);
  /** A key nobody writes: a reachable bucket answers "does not exist". */
  static final String PROBE_KEY = "flarestack-health-probe";

  private final Bucket bucket;
  private final ScheduledExecutorService executor;
  private final Duration interval;
  private volatile String problem;
  private ScheduledFuture<?> task;

  public BucketHealth(Bucket bucket, ScheduledExecutorService executor, Duration interval) {
    super("object-storage");
    this.bucket = requireNonNull(bucket, "bucket is null");
    this.executor = requireNonNull(executor, "executor is null");
    this.interval = requireNonNull(interval, "interval is null");
  }

  public Bucket bucket() {
    return bucket;
  }

  /** Probes the bucket now; returns whether it answered. */
  public boolean probe() {
    try {
      bucket.exists(PROBE_KEY);
      if (problem != null) {
        log.info("object storage bucket {} is reachable again", bucket.name());
      }
      problem = null;
      return true;
    } catch (Exception e) {
      String p = "object storage bucket " + bucket.name() + " is unreachable: " + e.getMessage();
      if (!p.equals(problem)) {
        log.warn("{}", p);
      }
      problem = p;
      return false;
    }
  }

  @Override
  protected void doStart() {
    probe();
    task = executor.scheduleWithFixedDelay(this::probe, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  protected void doStop() throws Exception {
    if (task != null) {
      task.cancel(false);
    }
    bucket.close();
  }

  @Override
  public boolean isHealthy() {
    return state() == State.RUNNING && problem == null;
  }

  @Override
  public String unhealthyReason() {
    if (state() != State.RUNNING) {
      return "service " + name() + " is " + state();
    }
    return problem;
  }
}
