package io.flarestack.common.ring;

import io.flarestack.api.ring.v1.InstanceState;

/**
 * What a caller wants to do with the instances a ring returns, which decides the healthy states
 * and when the replica set is extended past a non-serving instance (as dskit's ring does, so a
 * write still reaches enough ACTIVE replicas while an instance is joining or leaving).
 */
public enum Operation {
  /** Writes go to ACTIVE instances only; any other state extends the replica set by one. */
  WRITE {
    @Override
    public boolean isHealthyState(InstanceState state) {
      return state == InstanceState.ACTIVE;
    }

    @Override
    public boolean extendsReplicaSet(InstanceState state) {
      return state != InstanceState.ACTIVE;
    }
  },
  /**
   * Reads may also use LEAVING instances, which still hold their data; JOINING and PENDING ones
   * extend the replica set to match what {@link #WRITE} did.
   */
  READ {
    @Override
    public boolean isHealthyState(InstanceState state) {
      return state == InstanceState.ACTIVE || state == InstanceState.LEAVING;
    }

    @Override
    public boolean extendsReplicaSet(InstanceState state) {
      return state != InstanceState.ACTIVE && state != InstanceState.LEAVING;
    }
  };

  /** Whether an instance in {@code state} can serve this operation (its heartbeat aside). */
  public abstract boolean isHealthyState(InstanceState state);

  /** Whether meeting an instance in {@code state} adds one more instance to the replica set. */
  public abstract boolean extendsReplicaSet(InstanceState state);
}
