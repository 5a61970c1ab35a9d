package io.flarestack.distributor.writepath;

import io.flarestack.api.ingester.v1.PushRequest;

/**
 * Where the distributor hands validated, normalised profiles: the composition root implements
 * it with the ingester ring and client pool (replication, quorum). The distributor calls it
 * inside a gRPC {@link io.grpc.Context} that carries the push deadline
 * ({@code -distributor.push.timeout}) and is detached from the caller's cancellation, so
 * blocking stubs used by the implementation pick the deadline up. Implementations are
 * thread-safe.
 */
@FunctionalInterface
public interface IngesterWriter {
  /**
   * Writes one batch of series for {@code tenant}; returns once the write is acknowledged.
   *
   * @throws io.flarestack.common.errors.FlarestackException when the write failed (its code
   *     tells the client whether to retry)
   */
  void push(String tenant, PushRequest request);
}
