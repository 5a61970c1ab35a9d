package io.flarestack.common.tenant;

import io.flarestack.common.errors.FlarestackException;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Resolves the tenant of every incoming gRPC call (from every {@code x-scope-orgid} entry) into
 * {@link Tenant#CONTEXT_KEY}, or rejects the call with UNAUTHENTICATED (no or invalid tenant) or
 * INVALID_ARGUMENT (different tenants named), see {@link Tenant#resolve(boolean, Iterable)}. Health checks and
 * server reflection need no tenant. Thread-safe.
 */
public final class TenantServerInterceptor implements ServerInterceptor {
  private final boolean multitenancyEnabled;

  public TenantServerInterceptor(boolean multitenancyEnabled) {
    this.multitenancyEnabled = multitenancyEnabled;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    if (call.getMethodDescriptor().getServiceName() != null
        && call.getMethodDescriptor().getServiceName().startsWith("grpc.")) {
      return next.startCall(call, headers);
    }
    String tenant;
    try {
      tenant = Tenant.resolve(multitenancyEnabled, headers);
    } catch (FlarestackException e) {
      call.close(Status.fromCode(e.code().grpcCode()).withDescription(e.getMessage()), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Context ctx = Context.current().withValue(Tenant.CONTEXT_KEY, tenant);
    return Contexts.interceptCall(ctx, call, headers, next);
  }
}
