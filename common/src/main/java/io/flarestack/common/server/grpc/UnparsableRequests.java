package io.flarestack.common.server.grpc;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.errors.FlarestackException;
import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A handler registry for the gRPC port that answers a request message that does not decode
 * (truncated or random bytes, invalid UTF-8 in a string field) with INVALID_ARGUMENT naming the
 * method and the decoder's reason. Without it grpc-java closes such a call with UNKNOWN
 * ("Application error processing RPC"), a server error that clients retry. The request
 * marshaller of every method is wrapped so that a decoding failure becomes a value the call then
 * refuses; the service sees only decoded requests. Thread-safe.
 */
public final class UnparsableRequests extends HandlerRegistry {
  private final HandlerRegistry delegate;
  private final Map<ServerMethodDefinition<?, ?>, ServerMethodDefinition<?, ?>> guarded = new ConcurrentHashMap<>();

  public UnparsableRequests(HandlerRegistry delegate) {
    this.delegate = requireNonNull(delegate, "delegate is null");
  }

  @Override
  public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
    ServerMethodDefinition<?, ?> def = delegate.lookupMethod(methodName, authority);
    return def == null ? null : guarded.computeIfAbsent(def, UnparsableRequests::guard);
  }

  /** What the wrapped marshaller hands on for a request that does not decode. */
  private record Unparsable(String reason) {}

  private static <ReqT, RespT> ServerMethodDefinition<Object, RespT> guard(ServerMethodDefinition<ReqT, RespT> def) {
    MethodDescriptor<ReqT, RespT> method = def.getMethodDescriptor();
    MethodDescriptor.Marshaller<ReqT> requests = method.getRequestMarshaller();
    MethodDescriptor<Object, RespT> lenient = method.toBuilder(new MethodDescriptor.Marshaller<Object>() {
      @Override
      @SuppressWarnings("unchecked")
      public InputStream stream(Object value) {
        return requests.stream((ReqT) value);
      }

      @Override
      public Object parse(InputStream stream) {
        try {
          return requests.parse(stream);
        } catch (RuntimeException e) {
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          return new Unparsable(cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName());
        }
      }
    }, method.getResponseMarshaller()).build();
    return ServerMethodDefinition.create(lenient, guardedHandler(method.getFullMethodName(), def.getServerCallHandler()));
  }

  private static <ReqT, RespT> ServerCallHandler<Object, RespT> guardedHandler(String methodName,
      ServerCallHandler<ReqT, RespT> handler) {
    return (call, headers) -> {
      // The service's handler never touches the request marshaller, so the call can be handed on
      // under its original request type.
      @SuppressWarnings("unchecked")
      ServerCall<ReqT, RespT> typed = (ServerCall<ReqT, RespT>) (ServerCall<?, RespT>) call;
      ServerCall.Listener<ReqT> inner = handler.startCall(typed, headers);
      return new ServerCall.Listener<>() {
        private boolean refused;

        @Override
        @SuppressWarnings("unchecked")
        public void onMessage(Object message) {
          if (refused) {
            return;
          }
          if (message instanceof Unparsable u) {
            refused = true;
            FlarestackException e = FlarestackException.invalidArgument(
                "the %s request message does not decode as protobuf: %s", methodName, u.reason());
            call.close(Status.fromCode(e.code().grpcCode()).withDescription(e.getMessage()), new Metadata());
            return;
          }
          inner.onMessage((ReqT) message);
        }

        @Override
        public void onHalfClose() {
          if (!refused) {
            inner.onHalfClose();
          }
        }

        @Override
        public void onCancel() {
          inner.onCancel();
        }

        @Override
        public void onComplete() {
          inner.onComplete();
        }

        @Override
        public void onReady() {
          if (!refused) {
            inner.onReady();
          }
        }
      };
    };
  }
}
