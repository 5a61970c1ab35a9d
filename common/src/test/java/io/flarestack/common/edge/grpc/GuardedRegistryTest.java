package io.flarestack.common.edge.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.PushResponse;
import io.flarestack.api.push.v1.PusherServiceGrpc;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.common.io.MemoryBudget;
import io.flarestack.common.io.RequestGuards;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.grpc.util.MutableHandlerRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GuardedRegistryTest {
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };
  private static final MethodDescriptor<byte[], byte[]> RAW_PUSH = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("push.v1.PusherService/Push")
      .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();

  private final List<PushRequest> received = new CopyOnWriteArrayList<>();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws IOException {
    MutableHandlerRegistry registry = new MutableHandlerRegistry();
    registry.addService(new PusherServiceGrpc.PusherServiceImplBase() {
      @Override
      public void push(PushRequest request, StreamObserver<PushResponse> observer) {
        received.add(request);
        observer.onNext(PushResponse.getDefaultInstance());
        observer.onCompleted();
      }
    });
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).fallbackHandlerRegistry(new GuardedRegistry(registry, new RequestGuards(), new MemoryBudget(1 << 20))).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void aRequestThatDecodesReachesTheService() {
    PushRequest request = PushRequest.newBuilder().addSeries(RawProfileSeries.newBuilder()
        .addLabels(LabelPair.newBuilder().setName("service_name").setValue("caf\u00e9"))).build();
    ClientCalls.blockingUnaryCall(channel, RAW_PUSH, CallOptions.DEFAULT, request.toByteArray());
    assertThat(received).containsExactly(request);
  }

  @Test
  void bytesThatAreNotTheMessageAreInvalidArgumentNamingTheMethod() {
    StatusRuntimeException e = call(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription())
        .startsWith("invalid protobuf push.v1.PushRequest: ");
    assertThat(received).isEmpty();
  }

  @Test
  void invalidUtf8InAStringFieldIsInvalidArgument() {
    byte[] good = PushRequest.newBuilder().addSeries(RawProfileSeries.newBuilder()
        .addLabels(LabelPair.newBuilder().setName("service_name").setValue("a#b"))).build().toByteArray();
    byte[] bad = good.clone();
    int at = new String(good, StandardCharsets.ISO_8859_1).indexOf("a#b") + 1;
    bad[at] = (byte) 0xff;
    StatusRuntimeException e = call(bad);
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).containsIgnoringCase("UTF-8");
    assertThat(received).isEmpty();
  }

  @Test
  void aRequestLargerThanTheMemoryBudgetIsResourceExhaustedNamingTheFlag() {
    byte[] big = PushRequest.newBuilder().addSeries(RawProfileSeries.newBuilder()
        .addLabels(LabelPair.newBuilder().setName("service_name").setValue("x".repeat(600 << 10)))).build().toByteArray();
    StatusRuntimeException e = call(big);
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription()).contains(MemoryBudget.FLAG);
    assertThat(received).isEmpty();
  }

  @Test
  void withoutTheGuardGrpcJavaAnswersUnknown() throws IOException {
    // Why the guard exists: the same bytes on a plain registry are a server error.
    MutableHandlerRegistry plain = new MutableHandlerRegistry();
    plain.addService(new PusherServiceGrpc.PusherServiceImplBase() {});
    String name = InProcessServerBuilder.generateName();
    Server unguarded = InProcessServerBuilder.forName(name).fallbackHandlerRegistry(plain).build().start();
    ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
    try {
      StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
          () -> ClientCalls.blockingUnaryCall(ch, RAW_PUSH, CallOptions.DEFAULT, new byte[] {(byte) 0xff}));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
    } finally {
      ch.shutdownNow();
      unguarded.shutdownNow();
    }
  }

  private StatusRuntimeException call(byte[] message) {
    return catchThrowableOfType(StatusRuntimeException.class,
        () -> ClientCalls.blockingUnaryCall(channel, RAW_PUSH, CallOptions.DEFAULT, message));
  }
}
