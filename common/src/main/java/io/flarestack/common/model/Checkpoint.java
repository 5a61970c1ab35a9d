package io.flarestack.common.model;

/**
 * A stop check that long loops of the model code (tree merging, truncation, flame graphs, pprof
 * merging) call on every iteration, so that a query whose caller has gone, or whose deadline has
 * passed, stops there. It keeps the model free of server code: the query layer passes an
 * implementation that reads the query's gRPC context ({@code io.flarestack.common.cancel.Cancellation}).
 *
 * <p>Implementations must be cheap enough to call per node (they may look at their source only
 * every so often) and stop the loop by throwing an unchecked exception.
 */
@FunctionalInterface
public interface Checkpoint {
  /** Never stops anything: for callers outside a query. */
  Checkpoint NONE = () -> {};

  /**
   * Returns normally while the work should go on.
   *
   * @throws RuntimeException (whatever the implementation chooses) to stop the work
   */
  void check();
}
