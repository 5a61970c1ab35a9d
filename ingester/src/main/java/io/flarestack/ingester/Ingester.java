package io.flarestack.ingester;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.ingester.v1.PushRequest;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.lifecycle.AbstractService;
import io.flarestack.ingester.head.Head;
import io.flarestack.ingester.head.TenantHead;
import io.flarestack.ingester.query.HeadQuerier;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The ingester component: owns the in-memory {@link Head} and answers pushes and head queries.
 * Today it holds no files or threads; the WAL (replayed in {@link #doStart()}) and the block
 * cutter/shipper come later and plug in here. Thread-safe.
 */
public final class Ingester extends AbstractService {
  private final IngesterConfig config;
  private final Head head;
  private final HeadQuerier querier = new HeadQuerier();

  public Ingester(IngesterConfig config, MeterRegistry registry) {
    super("ingester");
    this.config = requireNonNull(config, "config is null");
    this.head = new Head(config.maxLocalSeriesPerTenant(), requireNonNull(registry, "registry is null"));
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
   * Stores a push for a tenant.
   *
   * @throws FlarestackException unavailable when the ingester is not running; invalid_argument
   *     or resource_exhausted from the head
   */
  public void push(String tenant, PushRequest request) {
    requireRunning();
    head.append(tenant, request);
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
  protected void doStart() {
    // Nothing to recover yet: the WAL replay goes here, through Head.append.
  }

  @Override
  protected void doStop() {
    head.close();
  }
}
