package io.flarestack.querier;

import io.flarestack.api.storegateway.v1.StoreGatewayServiceGrpc.StoreGatewayServiceBlockingStub;
import java.util.List;

/**
 * The store-gateways a read asks: the narrow view the querier needs. The composition root
 * implements it. Thread-safe.
 */
@FunctionalInterface
public interface StoreGatewayQueryClients {
  /** No store-gateway: reads go to the ingesters only. */
  StoreGatewayQueryClients NONE = List::of;

  /**
   * Stubs for every store-gateway a read may use (empty: none). Any of them can read any block;
   * each reports which blocks it owns.
   */
  List<StoreGatewayServiceBlockingStub> forRead();
}
