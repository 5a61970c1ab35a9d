package io.flarestack.server.cluster;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.lifecycle.Service;
import java.util.function.Supplier;

/**
 * A service built when it starts, not when the module graph is built: a ring lifecycler must
 * advertise the gRPC port, which is known only once the server (started first) has bound it, e.g.
 * with {@code -server.grpc-listen-port=0}. Before start it is NEW; afterwards it is what the built
 * service is. Not thread-safe before start; start and stop from one thread.
 */
public final class Deferred<S extends Service> implements Service {
  private final String name;
  private final Supplier<S> factory;
  private volatile S service;
  private volatile boolean stopped;

  public Deferred(String name, Supplier<S> factory) {
    this.name = requireNonNull(name, "name is null");
    this.factory = requireNonNull(factory, "factory is null");
  }

  /** The built service, or null before start. */
  public S get() {
    return service;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void start() throws Exception {
    if (service != null || stopped) {
      throw new IllegalStateException(name + " was started before");
    }
    service = factory.get();
    service.start();
  }

  @Override
  public void stop() {
    stopped = true;
    if (service != null) {
      service.stop();
    }
  }

  @Override
  public State state() {
    S s = service;
    if (s != null) {
      return s.state();
    }
    return stopped ? State.TERMINATED : State.NEW;
  }

  @Override
  public Throwable failure() {
    S s = service;
    return s == null ? null : s.failure();
  }

  @Override
  public boolean isHealthy() {
    S s = service;
    return s != null && s.isHealthy();
  }

  @Override
  public String unhealthyReason() {
    S s = service;
    return s == null ? name + " has not started" : s.unhealthyReason();
  }
}
