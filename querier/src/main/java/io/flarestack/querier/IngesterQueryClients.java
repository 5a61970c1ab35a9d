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
   * Every ingester that may hold recent data, and how many of them a read may lose.
   *
   * @throws io.flarestack.common.errors.FlarestackException unavailable when the ring has no healthy
   *     ingester, or fewer than replication allows a read to tolerate
   */
  ReadSet forRead();

  /**
   * @param clients the ingesters to ask
   * @param maxErrors how many of them may fail while every acknowledged profile is still in
   *     one that answers (0 without replication)
   * @param replicated whether each profile is held by several ingesters (replication factor
   *     above 1), so reads must count each once
   */
  record ReadSet(List<IngesterServiceBlockingStub> clients, int maxErrors, boolean replicated) {
    public ReadSet {
      clients = List.copyOf(clients);
    }

    /** Ingesters holding disjoint data, all needed. */
    public static ReadSet unreplicated(List<IngesterServiceBlockingStub> clients) {
      return new ReadSet(clients, 0, false);
    }
  }
}
