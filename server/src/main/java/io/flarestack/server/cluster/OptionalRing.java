package io.flarestack.server.cluster;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.lifecycle.Service;
import io.flarestack.common.ring.Ring;

/**
 * A ring this process reads but need not find populated to be ready: the querier's view of the
 * store-gateway ring (a querier answers from the ingesters while no store-gateway runs, as
 * Pyroscope's does). Starts, stops and fails with the ring; healthy whenever it runs.
 */
public final class OptionalRing implements Service {
  private final Ring ring;

  public OptionalRing(Ring ring) {
    this.ring = requireNonNull(ring, "ring is null");
  }

  @Override
  public String name() {
    return ring.name();
  }

  @Override
  public void start() throws Exception {
    ring.start();
  }

  @Override
  public void stop() {
    ring.stop();
  }

  @Override
  public State state() {
    return ring.state();
  }

  @Override
  public Throwable failure() {
    return ring.failure();
  }
}
