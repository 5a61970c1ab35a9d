package io.flarestack.common.edge.grpc;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.MessageLite;
import io.flarestack.common.edge.metrics.RequestMetrics;
import io.flarestack.common.edge.metrics.RouteLabel;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records gRPC calls in the request metrics as dskit's gRPC instrumentation does: method
 * {@code gRPC}, route from the full method name ({@code /push.v1.PusherService/Push} →
 * {@code push_v1_pusherservice_push}, the same label the HTTP port gives that path), status_code
 * the gRPC status name as Go prints it ({@code OK}, {@code InvalidArgument}, {@code Canceled}, …).
 * Thread-safe.
 */
public final class GrpcMetricsInterceptor implements ServerInterceptor {
  private final RequestMetrics metrics;
  private final RouteLabel routeLabels = new RouteLabel();

  public GrpcMetricsInterceptor(RequestMetrics metrics) {
    this.metrics = requireNonNull(metrics, "metrics is null");
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    Observation o = new Observation(routeLabels.of(call.getMethodDescriptor().getFullMethodName()));
    ServerCall<ReqT, RespT> observed = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void sendMessage(RespT message) {
        o.responseBytes.addAndGet(size(message));
        super.sendMessage(message);
      }

      @Override
      public void close(Status status, Metadata trailers) {
        o.finish(status.getCode());
        super.close(status, trailers);
      }
    };
    ServerCall.Listener<ReqT> listener;
    try {
      listener = next.startCall(observed, headers);
    } catch (RuntimeException | Error e) {
      o.finish(Status.Code.UNKNOWN);
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(ReqT message) {
        o.requestBytes.addAndGet(size(message));
        super.onMessage(message);
      }

      @Override
      public void onCancel() {
        o.finish(Status.Code.CANCELLED);
        super.onCancel();
      }
    };
  }

  private final class Observation {
    final String route;
    final long start = System.nanoTime();
    final AtomicLong requestBytes = new AtomicLong();
    final AtomicLong responseBytes = new AtomicLong();
    final AtomicBoolean finished = new AtomicBoolean();

    Observation(String route) {
      this.route = route;
      metrics.started(RequestMetrics.GRPC_METHOD, route);
    }

    void finish(Status.Code code) {
      if (finished.compareAndSet(false, true)) {
        metrics.finished(RequestMetrics.GRPC_METHOD, route, goName(code), System.nanoTime() - start,
            requestBytes.get(), responseBytes.get());
      }
    }
  }

  private static long size(Object message) {
    if (message instanceof MessageLite m) {
      return m.getSerializedSize();
    }
    if (message instanceof InputStream in) { // a request the gRPC port decodes itself (GuardedRegistry)
      try {
        return in.available();
      } catch (IOException e) {
        return 0;
      }
    }
    return 0;
  }

  /** The name Go's {@code codes.Code.String()} gives a status code, e.g. {@code InvalidArgument}. */
  static String goName(Status.Code code) {
    if (code == Status.Code.CANCELLED) {
      return "Canceled";
    }
    StringBuilder sb = new StringBuilder();
    boolean upper = true;
    for (char c : code.name().toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        sb.append(upper ? c : Character.toLowerCase(c));
        upper = false;
      }
    }
    return code == Status.Code.OK ? "OK" : sb.toString();
  }
}
