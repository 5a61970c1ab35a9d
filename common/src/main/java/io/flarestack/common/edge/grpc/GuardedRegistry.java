package io.flarestack.common.edge.grpc;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Message;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.io.MemoryBudget;
import io.flarestack.common.io.RequestGuards;
import io.flarestack.common.io.RequestMemory;
import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gRPC port's view of the service registry: every method receives its request as raw bytes
 * and decodes it itself, so a request is walked by its type's guard ({@link RequestGuards}) and
 * reserved from the server's {@link MemoryBudget} before protobuf-java builds it, and refused
 * with a gRPC status (invalid_argument, resource_exhausted) rather than an "application error".
 * The reservation is the call's {@link RequestMemory#current()} while the service runs and is
 * given back when the call ends. grpc-java has already bounded the message's size
 * ({@code -server.grpc-max-recv-msg-size-bytes}) and undone its compression.
 *
 * <p>Methods whose request type is not a protobuf {@link Message} are served as registered.
 * Thread-safe.
 */
public final class GuardedRegistry extends HandlerRegistry {
  private final HandlerRegistry registry;
  private final RequestGuards guards;
  private final MemoryBudget budget;
  // Wrapped definitions by original, so each is built once; the registry may replace services.
  private final Map<ServerMethodDefinition<?, ?>, ServerMethodDefinition<?, ?>> wrapped = new ConcurrentHashMap<>();

  public GuardedRegistry(HandlerRegistry registry, RequestGuards guards, MemoryBudget budget) {
    this.registry = requireNonNull(registry, "registry is null");
    this.guards = requireNonNull(guards, "guards is null");
    this.budget = requireNonNull(budget, "budget is null");
  }

  @Override
  public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
    ServerMethodDefinition<?, ?> method = registry.lookupMethod(methodName, authority);
    if (method == null) {
      return null;
    }
    return wrapped.computeIfAbsent(method, GuardedRegistry.this::wrap);
  }

  private <ReqT, RespT> ServerMethodDefinition<?, ?> wrap(ServerMethodDefinition<ReqT, RespT> method) {
    MethodDescriptor<ReqT, RespT> descriptor = method.getMethodDescriptor();
    if (!(descriptor.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<ReqT> p)
        || !(p.getMessagePrototype() instanceof Message prototype)) {
      return method;
    }
    MethodDescriptor<InputStream, RespT> raw = descriptor.toBuilder(RawMarshaller.INSTANCE, descriptor.getResponseMarshaller())
        .build();
    return ServerMethodDefinition.create(raw, new Handler<>(descriptor, prototype, method.getServerCallHandler()));
  }

  private final class Handler<ReqT, RespT> implements ServerCallHandler<InputStream, RespT> {
    private final MethodDescriptor<ReqT, RespT> descriptor;
    private final Message prototype;
    private final ServerCallHandler<ReqT, RespT> next;

    Handler(MethodDescriptor<ReqT, RespT> descriptor, Message prototype, ServerCallHandler<ReqT, RespT> next) {
      this.descriptor = descriptor;
      this.prototype = prototype;
      this.next = next;
    }

    @Override
    public ServerCall.Listener<InputStream> startCall(ServerCall<InputStream, RespT> call, Metadata headers) {
      RequestMemory memory = budget.open();
      Context context = memory.attachTo(Context.current());
      ServerCall.Listener<ReqT> listener;
      Context previous = context.attach();
      try {
        listener = next.startCall(new TypedCall<>(call, descriptor), headers);
      } finally {
        context.detach(previous);
      }
      return new Decoding<>(call, listener, context, memory);
    }

    private final class Decoding<T> extends ServerCall.Listener<InputStream> {
      private final ServerCall<InputStream, RespT> call;
      private final ServerCall.Listener<T> listener;
      private final Context context;
      private final RequestMemory memory;
      private boolean failed;

      Decoding(ServerCall<InputStream, RespT> call, ServerCall.Listener<T> listener, Context context,
          RequestMemory memory) {
        this.call = call;
        this.listener = listener;
        this.context = context;
        this.memory = memory;
      }

      @Override
      @SuppressWarnings("unchecked")
      public void onMessage(InputStream stream) {
        if (failed) {
          return;
        }
        T message;
        Context previous = context.attach();
        try {
          message = (T) decode(stream);
        } catch (FlarestackException e) {
          failed = true;
          call.close(Status.fromCode(e.code().grpcCode()).withDescription(e.getMessage()), new Metadata());
          return;
        } finally {
          context.detach(previous);
        }
        run(() -> listener.onMessage(message));
      }

      private Message decode(InputStream stream) {
        try (InputStream in = stream) {
          int size = in.available(); // grpc-java's message streams know their length
          memory.reserve(size, "the gRPC request message");
          byte[] bytes = in.readAllBytes();
          guards.forType(prototype.getDescriptorForType()).check(bytes, memory,
              "the " + prototype.getDescriptorForType().getFullName() + " request");
          return prototype.getParserForType().parseFrom(bytes);
        } catch (IOException e) {
          throw FlarestackException.invalidArgument("invalid protobuf request for %s: %s",
              descriptor.getFullMethodName(), e.getMessage());
        }
      }

      @Override
      public void onHalfClose() {
        if (!failed) {
          run(listener::onHalfClose);
        }
      }

      @Override
      public void onCancel() {
        try {
          run(listener::onCancel);
        } finally {
          memory.close();
        }
      }

      @Override
      public void onComplete() {
        try {
          run(listener::onComplete);
        } finally {
          memory.close();
        }
      }

      @Override
      public void onReady() {
        run(listener::onReady);
      }

      private void run(Runnable r) {
        Context previous = context.attach();
        try {
          r.run();
        } finally {
          context.detach(previous);
        }
      }
    }
  }

  /** The call as the service sees it: typed by the original method descriptor. */
  private static final class TypedCall<ReqT, RespT> extends ServerCall<ReqT, RespT> {
    private final ServerCall<InputStream, RespT> call;
    private final MethodDescriptor<ReqT, RespT> descriptor;

    TypedCall(ServerCall<InputStream, RespT> call, MethodDescriptor<ReqT, RespT> descriptor) {
      this.call = call;
      this.descriptor = descriptor;
    }

    @Override
    public void request(int numMessages) {
      call.request(numMessages);
    }

    @Override
    public void sendHeaders(Metadata headers) {
      call.sendHeaders(headers);
    }

    @Override
    public void sendMessage(RespT message) {
      call.sendMessage(message);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      call.close(status, trailers);
    }

    @Override
    public boolean isCancelled() {
      return call.isCancelled();
    }

    @Override
    public boolean isReady() {
      return call.isReady();
    }

    @Override
    public void setMessageCompression(boolean enabled) {
      call.setMessageCompression(enabled);
    }

    @Override
    public void setCompression(String compressor) {
      call.setCompression(compressor);
    }

    @Override
    public Attributes getAttributes() {
      return call.getAttributes();
    }

    @Override
    public String getAuthority() {
      return call.getAuthority();
    }

    @Override
    public MethodDescriptor<ReqT, RespT> getMethodDescriptor() {
      return descriptor;
    }
  }

  /** Hands the message's bytes to the method as they are. */
  private enum RawMarshaller implements MethodDescriptor.Marshaller<InputStream> {
    INSTANCE;

    @Override
    public InputStream stream(InputStream value) {
      return value;
    }

    @Override
    public InputStream parse(InputStream stream) {
      return stream;
    }
  }
}
