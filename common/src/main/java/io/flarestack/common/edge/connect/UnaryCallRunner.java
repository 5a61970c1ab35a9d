package io.flarestack.common.edge.connect;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.io.RequestMemory;
import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import java.net.SocketAddress;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one registered gRPC method (with its interceptors) for a request that did not come
 * through grpc-java's transport: starts the method's {@link io.grpc.ServerCallHandler} with a
 * {@link CapturingServerCall}, delivers the single request message and half-closes, in a fresh
 * {@link Context} carrying the deadline. Listener callbacks are serialized on the executor, never
 * on the calling thread, so the caller gets the future while the service runs. Cancelling the returned future (client gone) cancels the call's context, as
 * grpc-java does. Thread-safe.
 */
final class UnaryCallRunner {
  private static final Logger log = LoggerFactory.getLogger(UnaryCallRunner.class);

  private final Executor executor;
  private final ScheduledExecutorService scheduler;

  /**
   * @param executor runs callbacks that cannot run on the caller's thread
   * @param scheduler fires deadlines
   */
  UnaryCallRunner(Executor executor, ScheduledExecutorService scheduler) {
    this.executor = requireNonNull(executor, "executor is null");
    this.scheduler = requireNonNull(scheduler, "scheduler is null");
  }

  /**
   * Starts the call.
   *
   * @param timeoutNanos the deadline from now, or negative for none
   * @param remote the peer address, or null
   * @param authority the Host/:authority, or null
   * @param memory the request's memory, which the call finds as {@link RequestMemory#current()}
   * @return the call's end; never fails exceptionally except by cancellation
   */
  <ReqT, RespT> CompletableFuture<CallResult<RespT>> start(ServerMethodDefinition<ReqT, RespT> method, ReqT request,
      Metadata headers, long timeoutNanos, SocketAddress remote, String authority, RequestMemory memory) {
    Context base = memory.attachTo(Context.ROOT);
    Context.CancellableContext context = timeoutNanos >= 0
        ? base.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS, scheduler)
        : base.withCancellation();
    Attributes attributes = remote == null ? Attributes.EMPTY
        : Attributes.newBuilder().set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, remote).build();
    CapturingServerCall<ReqT, RespT> call = new CapturingServerCall<>(method.getMethodDescriptor(), attributes, authority);
    SerialExecutor serial = new SerialExecutor(executor);
    // The service runs in the serial tasks: the request's memory stays counted until the last one
    // is done, even when the client hangs up before.
    RequestMemory.Hold hold = memory.retain();
    ListenerSlot<ReqT> slot = new ListenerSlot<>();
    CompletableFuture<CallResult<RespT>> result = call.result();

    context.addListener(c -> {
      Status status = Contexts.statusFromCancelled(c);
      call.cancel(status != null ? status : Status.CANCELLED);
    }, Runnable::run);
    result.whenComplete((r, t) -> {
      if (t instanceof CancellationException) {
        // Now, not through the serial queue: a blocking service is still running there.
        context.cancel(Status.CANCELLED.withDescription("the client closed the request").asRuntimeException());
      }
      boolean ok = r != null && r.status().isOk();
      serial.execute(() -> {
        ServerCall.Listener<ReqT> listener = slot.listener;
        if (listener != null) {
          invoke(context, call, ok ? listener::onComplete : listener::onCancel);
        }
        context.cancel(null); // releases the deadline timer
        hold.close();
      });
    });
    // On another thread, so the caller holds the future (and can cancel it) while the service runs.
    serial.execute(() -> invoke(context, call, () -> {
      ServerCall.Listener<ReqT> listener = method.getServerCallHandler().startCall(call, headers);
      slot.listener = listener;
      listener.onReady();
      listener.onMessage(request);
      listener.onHalfClose();
    }));
    return result;
  }

  private static final class ListenerSlot<ReqT> {
    // Written and read only by tasks of one SerialExecutor, which orders them.
    volatile ServerCall.Listener<ReqT> listener;
  }

  private static void invoke(Context context, CapturingServerCall<?, ?> call, Runnable callback) {
    Context previous = context.attach();
    try {
      callback.run();
    } catch (RuntimeException | Error e) {
      log.error("{} failed", call.getMethodDescriptor().getFullMethodName(), e);
      try {
        FlarestackException told = FlarestackException.forClient(e);
        call.close(Status.fromCode(told.code().grpcCode()).withDescription(told.getMessage()).withCause(e),
            new Metadata());
      } catch (IllegalStateException alreadyClosed) {
        // the application closed the call before failing
      }
      if (e instanceof Error err) {
        throw err;
      }
    } finally {
      context.detach(previous);
    }
  }
}
