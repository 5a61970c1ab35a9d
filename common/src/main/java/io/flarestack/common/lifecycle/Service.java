package io.flarestack.common.lifecycle;

/**
 * A long-lived part of the process with an explicit lifecycle: NEW, then STARTING, RUNNING,
 * STOPPING and TERMINATED, or FAILED from any of them. Constructors do no I/O; {@link #start()}
 * does. Implementations are thread-safe.
 */
public interface Service {
  /** The lifecycle states, in the order a healthy service passes through them. */
  enum State {
    NEW,
    STARTING,
    RUNNING,
    STOPPING,
    TERMINATED,
    FAILED
  }

  /** A short stable name used in logs and on {@code /ready}. */
  String name();

  /**
   * Starts the service and returns once it runs.
   *
   * @throws Exception when it cannot start; the service is then FAILED
   * @throws IllegalStateException when it is not NEW
   */
  void start() throws Exception;

  /** Stops the service and returns once it has terminated. Idempotent; never throws. */
  void stop();

  State state();

  /** The failure that moved the service to FAILED, or null. */
  Throwable failure();

  /**
   * Whether the service can take work now. Defaults to "running"; a service may add its own
   * conditions (for example, a ring that has no healthy instance yet).
   */
  default boolean isHealthy() {
    return state() == State.RUNNING;
  }

  /** Why the service is not healthy, for {@code /ready}; null when healthy. A failure's message is included. */
  default String unhealthyReason() {
    if (isHealthy()) {
      return null;
    }
    Throwable f = failure();
    return "service " + name() + " is " + state() + (state() == State.FAILED && f != null ? ": " + f.getMessage() : "");
  }
}
