package io.flarestack.querier;

import io.flarestack.api.ingester.v1.IngesterServiceGrpc.IngesterServiceBlockingStub;
import java.util.List;

/**
 * The ingesters a read must ask: the narrow view of the ingester ring and client pool the
 * querier needs. The composition root implements it. Thread-safe.
 */
@FunctionalInterface
public interface IngesterQueryClients {
  /**
   * Stubs for every ingester that may hold recent data for reads.
   *
   * @throws io.flarestack.common.errors.FlarestackException unavailable when the ring has no healthy ingester
   */
  List<IngesterServiceBlockingStub> forRead();
}
