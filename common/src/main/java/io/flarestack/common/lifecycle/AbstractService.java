package io.flarestack.common.lifecycle;

import static java.util.Objects.requireNonNull;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine of {@link Service}; subclasses implement {@link #doStart()} and
 * {@link #doStop()}. A failed start leaves the service FAILED after {@code doStop()} has had
 * a chance to release what was acquired.
 */
public abstract class AbstractService implements Service {
  private static final Logger log = LoggerFactory.getLogger(AbstractService.class);

  private final String name;
  private volatile State state = State.NEW;
  private volatile Throwable failure;

  protected AbstractService(String name) {
    this.name = requireNonNull(name, "name is null");
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final State state() {
    return state;
  }

  @Override
  public final Throwable failure() {
    return failure;
  }

  @Override
  public final void start() throws Exception {
    synchronized (this) {
      if (state != State.NEW) {
        throw new IllegalStateException("service " + name + " cannot start from state " + state);
      }
      state = State.STARTING;
    }
    try {
      doStart();
      state = State.RUNNING;
    } catch (Exception | Error e) {
      failure = e;
      try {
        doStop();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      state = State.FAILED;
      throw e;
    }
  }

  @Override
  public final void stop() {
    synchronized (this) {
      if (state == State.NEW) {
        state = State.TERMINATED;
        return;
      }
      if (state != State.RUNNING) {
        return;
      }
      state = State.STOPPING;
    }
    try {
      doStop();
      state = State.TERMINATED;
    } catch (Exception e) {
      log.warn("service {} failed while stopping", name, e);
      failure = e;
      state = State.FAILED;
    }
  }

  /** Marks a running service as failed, for background loops that hit a fatal error. */
  protected final void fail(Throwable t) {
    failure = requireNonNull(t, "t is null");
    state = State.FAILED;
    log.error("service {} failed", name, t);
  }

  /** Acquires resources and starts work; runs once, on the thread that called {@link #start()}. */
  protected abstract void doStart() throws Exception;

  /** Releases everything; also called after a failed start, so it must tolerate partial state. */
  protected abstract void doStop() throws Exception;
}
