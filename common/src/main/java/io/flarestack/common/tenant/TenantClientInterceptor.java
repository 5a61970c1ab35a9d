package io.flarestack.common.tenant;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

/**
 * Forwards the current call's tenant ({@link Tenant#CONTEXT_KEY}) as {@code x-scope-orgid} on
 * outgoing internal calls, so an ingester sees the tenant the distributor or querier resolved.
 * Thread-safe.
 */
public final class TenantClientInterceptor implements ClientInterceptor {
  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
    String tenant = Tenant.CONTEXT_KEY.get();
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, callOptions)) {
      @Override
      public void start(Listener<RespT> responseListener, Metadata headers) {
        if (tenant != null) {
          headers.put(Tenant.METADATA_KEY, tenant);
        }
        super.start(responseListener, headers);
      }
    };
  }
}
