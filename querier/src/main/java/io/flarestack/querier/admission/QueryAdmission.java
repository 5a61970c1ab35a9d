package io.flarestack.querier.admission;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.config.ValueTypes;
import io.flarestack.common.edge.http.HttpHandler;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.querier.QuerierConfig;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessSocketAddress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Lets queries into the querier: each gets a deadline of the earlier of its client's deadline and
 * {@code -querier.query-timeout}, and a slot of {@code -querier.max-concurrent} (see
 * {@link ConcurrencyLimiter}); the query runs in a {@link Context} carrying both the deadline and
 * the client's cancellation, which the querier's calls to ingesters and store-gateways inherit, so
 * their work stops too ({@link io.flarestack.common.cancel.Cancellation}). A query stopped by the
 * timeout answers {@code deadline_exceeded} (HTTP 504) with a message naming the timeout and its
 * flag.
 *
 * <p>Two entry points count as queries: every call of the public Querier API, through
 * {@link #interceptor()} on the service (Connect and gRPC on the HTTP port, the gRPC port, in
 * process), and every legacy HTTP query request, through {@link #legacy}. A legacy request calls
 * the Querier API in process, possibly more than once (render asks for a flame graph and a
 * timeline); those calls carry a marker ({@link #admittedCalls()}) that the interceptor honours
 * on the in-process transport only, so the request holds one slot and one deadline for all of
 * them. Thread-safe.
 */
public final class QueryAdmission {
  /** Marks an in-process Querier API call made by a query that was already let in. */
  static final Metadata.Key<String> ADMITTED_HEADER = Metadata.Key.of("x-flarestack-admitted-query",
      Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<Boolean> ADMITTED = Context.key("flarestack-admitted-query");

  private final Duration timeout;
  private final ConcurrencyLimiter limiter;
  private final ScheduledExecutorService scheduler;
  private final Counter timeouts;

  /**
   * @param scheduler fires query deadlines
   */
  public QueryAdmission(QuerierConfig config, ConcurrencyLimiter limiter, ScheduledExecutorService scheduler,
      MeterRegistry registry) {
    this.timeout = requireNonNull(config, "config is null").queryTimeout();
    this.limiter = requireNonNull(limiter, "limiter is null");
    this.scheduler = requireNonNull(scheduler, "scheduler is null");
    this.timeouts = Counter.builder("pyroscope.querier.query.timeouts")
        .description("Queries stopped by -querier.query-timeout.")
        .register(requireNonNull(registry, "registry is null"));
  }

  /** The limiter the queries share. */
  public ConcurrencyLimiter limiter() {
    return limiter;
  }

  /**
   * The interceptor for the Querier API service. Its methods must answer before they return (as
   * {@link io.flarestack.common.edge.grpc.GrpcCalls#unary} does): the slot is freed then.
   */
  public ServerInterceptor interceptor() {
    return new ServerInterceptor() {
      @Override
      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
          ServerCallHandler<ReqT, RespT> next) {
        if (headers.containsKey(ADMITTED_HEADER)
            && call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR) instanceof InProcessSocketAddress) {
          return next.startCall(call, headers); // part of a legacy request that holds the slot and deadline
        }
        Scope scope = new Scope(Context.current());
        ServerCall<ReqT, RespT> explained = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            scope.release(); // the work is done: free the slot before the client can send its next query
            super.close(scope.explain(status), trailers);
          }
        };
        Context previous = scope.context.attach();
        try {
          return new AdmittedListener<>(next.startCall(explained, headers), scope, explained);
        } finally {
          scope.context.detach(previous);
        }
      }
    };
  }

  /** Runs every callback in the query's context; takes the slot before the method runs. */
  private final class AdmittedListener<ReqT, RespT>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<ReqT> {
    private final Scope scope;
    private final ServerCall<ReqT, RespT> call;

    AdmittedListener(ServerCall.Listener<ReqT> delegate, Scope scope, ServerCall<ReqT, RespT> call) {
      super(delegate);
      this.scope = scope;
      this.call = call;
    }

    @Override
    public void onHalfClose() {
      Context previous = scope.context.attach();
      try {
        try {
          scope.permit = limiter.acquire(scope.context);
        } catch (RuntimeException e) {
          call.close(FlarestackException.from(e).toStatusException().getStatus(), new Metadata());
          return;
        }
        super.onHalfClose(); // a unary method runs here, to its answer
      } finally {
        scope.context.detach(previous);
        scope.release();
        scope.end();
      }
    }

    @Override
    public void onMessage(ReqT message) {
      Context previous = scope.context.attach();
      try {
        super.onMessage(message);
      } finally {
        scope.context.detach(previous);
      }
    }

    @Override
    public void onReady() {
      Context previous = scope.context.attach();
      try {
        super.onReady();
      } finally {
        scope.context.detach(previous);
      }
    }

    @Override
    public void onCancel() {
      scope.end();
      super.onCancel();
    }

    @Override
    public void onComplete() {
      scope.end();
      super.onComplete();
    }
  }

  /**
   * Wraps a legacy HTTP query handler: the request waits for a slot, runs under the query
   * deadline (its in-process Querier API calls inherit it and the cancellation of the client
   * leaving, see {@link io.flarestack.common.edge.http.HttpHandler}) and marks those calls as
   * let in. Pair it with a stub built with {@link #admittedCalls()}.
   */
  public HttpHandler legacy(HttpHandler handler) {
    requireNonNull(handler, "handler is null");
    return request -> {
      Scope scope = new Scope(Context.current());
      try (ConcurrencyLimiter.Permit permit = limiter.acquire(scope.context)) {
        return scope.context.withValue(ADMITTED, Boolean.TRUE).call(() -> handler.handle(request));
      } catch (Exception e) {
        throw scope.explain(e);
      } finally {
        scope.end();
      }
    };
  }

  /**
   * For the in-process Querier API stub of the legacy handlers: marks calls made inside
   * {@link #legacy} so the interceptor does not count them again.
   */
  public ClientInterceptor admittedCalls() {
    return new ClientInterceptor() {
      @Override
      public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
          CallOptions options, Channel next) {
        ClientCall<ReqT, RespT> call = next.newCall(method, options);
        if (!Boolean.TRUE.equals(ADMITTED.get())) {
          return call;
        }
        return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
          @Override
          public void start(Listener<RespT> listener, Metadata headers) {
            headers.put(ADMITTED_HEADER, "1");
            super.start(listener, headers);
          }
        };
      }
    };
  }

  /** One query's context: the caller's, with the query timeout when that comes first. */
  private final class Scope {
    final Context.CancellableContext context;
    /** The slot, once taken; set and released on the call's serialized callbacks. */
    volatile ConcurrencyLimiter.Permit permit;
    private final Deadline timeoutDeadline; // null when the client's deadline comes first, or no timeout
    private boolean counted; // guarded by this

    Scope(Context parent) {
      Deadline theirs = parent.getDeadline();
      Deadline mine = timeout.isZero() ? null : Deadline.after(timeout.toNanos(), TimeUnit.NANOSECONDS);
      timeoutDeadline = mine != null && (theirs == null || mine.isBefore(theirs)) ? mine : null;
      context = timeoutDeadline != null ? parent.withDeadline(timeoutDeadline, scheduler) : parent.withCancellation();
    }

    /**
     * Whether the query timeout ended the query: it is the query's deadline and has passed. (The
     * calls to ingesters share that deadline and may report it a moment before the context does.)
     */
    boolean timedOut() {
      return timeoutDeadline != null && timeoutDeadline.isExpired();
    }

    /** The status a Querier API call ends with: the query timeout named when it ended the query. */
    Status explain(Status status) {
      Status.Code code = status.getCode();
      if ((code == Status.Code.DEADLINE_EXCEEDED || code == Status.Code.CANCELLED) && timedOut()) {
        count();
        return Status.DEADLINE_EXCEEDED.withDescription(message()).withCause(status.getCause());
      }
      return status;
    }

    /**
     * The error a legacy request ends with: the query timeout named when it ended the query; a
     * status from the in-process Querier API keeps its code (so a client that left is not logged
     * as a server failure); anything else as it is.
     */
    Exception explain(Exception e) {
      ErrorCode code = FlarestackException.from(e).code();
      boolean stopped = code == ErrorCode.DEADLINE_EXCEEDED || code == ErrorCode.CANCELED;
      if (stopped && timedOut()) {
        count();
        return new FlarestackException(ErrorCode.DEADLINE_EXCEEDED, message(), e);
      }
      if (stopped && e instanceof StatusRuntimeException) {
        return FlarestackException.from(e);
      }
      return e;
    }

    private synchronized void count() {
      if (!counted) {
        counted = true;
        timeouts.increment();
      }
    }

    private String message() {
      return "the query ran longer than the query timeout of " + ValueTypes.formatDuration(timeout)
          + " (-querier.query-timeout) and was stopped; narrow its time range or selector, or raise the timeout";
    }

    /** Frees the slot, if taken (idempotent). */
    void release() {
      ConcurrencyLimiter.Permit p = permit;
      if (p != null) {
        p.close();
      }
    }

    /** Releases the deadline timer; cancels whatever of the query still runs. */
    void end() {
      context.cancel(null);
    }
  }
}
