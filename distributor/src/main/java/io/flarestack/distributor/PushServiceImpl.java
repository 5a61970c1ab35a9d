package io.flarestack.distributor;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.PushResponse;
import io.flarestack.api.push.v1.PusherServiceGrpc;
import io.flarestack.common.edge.grpc.GrpcCalls;
import io.flarestack.common.tenant.Tenant;
import io.grpc.stub.StreamObserver;

/**
 * {@code push.v1.PusherService}, for Connect and gRPC alike: the tenant comes from the call
 * context (set by the tenant interceptor), errors map through {@link GrpcCalls}. Thread-safe.
 */
public final class PushServiceImpl extends PusherServiceGrpc.PusherServiceImplBase {
  private static final PushResponse EMPTY = PushResponse.getDefaultInstance();

  private final Distributor distributor;

  public PushServiceImpl(Distributor distributor) {
    this.distributor = requireNonNull(distributor, "distributor is null");
  }

  @Override
  public void push(PushRequest request, StreamObserver<PushResponse> responseObserver) {
    GrpcCalls.unary(responseObserver, () -> {
      distributor.push(Tenant.current(), request);
      return EMPTY;
    });
  }
}
