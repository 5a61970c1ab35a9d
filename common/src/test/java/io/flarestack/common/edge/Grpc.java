package io.flarestack.common.edge;

import io.flarestack.common.tenant.Tenant;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.util.concurrent.TimeUnit;

/** grpc-java client helpers. */
final class Grpc {
  private Grpc() {}

  /** A plaintext channel; over plaintext grpc-java speaks h2c with prior knowledge. */
  static ManagedChannel channel(int port) {
    return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  static <S extends AbstractStub<S>> S withTenant(S stub, String tenant) {
    Metadata md = new Metadata();
    md.put(Tenant.METADATA_KEY, tenant);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md)).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  static void close(ManagedChannel channel) throws InterruptedException {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }
}
