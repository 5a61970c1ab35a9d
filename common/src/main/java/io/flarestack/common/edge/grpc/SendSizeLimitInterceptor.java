package io.flarestack.common.edge.grpc;

import com.google.protobuf.MessageLite;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Enforces {@code -server.grpc-max-send-msg-size-bytes} (grpc-java servers have no such
 * setting): a response message larger than the limit ends the call with RESOURCE_EXHAUSTED
 * instead of being sent. Thread-safe.
 */
public final class SendSizeLimitInterceptor implements ServerInterceptor {
  private final int maxBytes;

  public SendSizeLimitInterceptor(int maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      private volatile boolean refused;

      @Override
      public void sendMessage(RespT message) {
        if (refused) {
          return;
        }
        int size = message instanceof MessageLite m ? m.getSerializedSize() : 0;
        if (size > maxBytes) {
          refused = true;
          super.close(Status.RESOURCE_EXHAUSTED.withDescription("response message of " + size
              + " bytes is larger than the limit of " + maxBytes + " bytes (-server.grpc-max-send-msg-size-bytes)"),
              new Metadata());
          return;
        }
        super.sendMessage(message);
      }

      @Override
      public void close(Status status, Metadata trailers) {
        if (!refused) {
          super.close(status, trailers);
        }
      }
    }, headers);
  }
}
