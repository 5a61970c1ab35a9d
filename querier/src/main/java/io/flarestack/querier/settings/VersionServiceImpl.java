package io.flarestack.querier.settings;

import io.flarestack.api.version.v1.VersionGrpc;
import io.flarestack.api.version.v1.VersionRequest;
import io.flarestack.api.version.v1.VersionResponse;
import io.flarestack.common.edge.grpc.GrpcCalls;
import io.grpc.stub.StreamObserver;

/** {@code version.v1.Version}: the querier API version this server speaks (1, as Pyroscope v1). */
public final class VersionServiceImpl extends VersionGrpc.VersionImplBase {
  @Override
  public void version(VersionRequest req, StreamObserver<VersionResponse> obs) {
    GrpcCalls.unary(obs, () -> VersionResponse.newBuilder().setQuerierAPI(1).build());
  }
}
