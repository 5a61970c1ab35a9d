package io.flarestack.querier.admission;

import static io.flarestack.querier.admission.ConcurrencyLimiterTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.flarestack.api.querier.v1.ProfileTypesRequest;
import io.flarestack.api.querier.v1.ProfileTypesResponse;
import io.flarestack.api.querier.v1.QuerierServiceGrpc;
import io.flarestack.api.types.v1.LabelNamesRequest;
import io.flarestack.api.types.v1.LabelNamesResponse;
import io.flarestack.api.types.v1.LabelValuesRequest;
import io.flarestack.api.types.v1.LabelValuesResponse;
import io.flarestack.common.cancel.Cancellation;
import io.flarestack.common.cancel.QueryCancelledException;
import io.flarestack.common.edge.grpc.GrpcCalls;
import io.flarestack.common.edge.http.HttpHandler;
import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.querier.QuerierConfig;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The admission interceptor and legacy wrapper around a real in-process gRPC service. */
class QueryAdmissionTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final HoldingQuerier service = new HoldingQuerier();
  private final List<Runnable> cleanup = new ArrayList<>();
  private QueryAdmission admission;
  private ManagedChannel channel;

  @AfterEach
  void stop() {
    service.released = true;
    cleanup.forEach(Runnable::run);
    threads.shutdownNow();
    timers.shutdownNow();
  }

  private void start(Duration timeout, int maxConcurrent, int maxQueued) throws Exception {
    QuerierConfig config = new QuerierConfig(timeout, maxConcurrent, maxQueued, Duration.ofMinutes(5));
    admission = new QueryAdmission(config, new ConcurrencyLimiter(config, registry), timers, registry);
    String name = "admission-" + UUID.randomUUID();
    Server server = InProcessServerBuilder.forName(name)
        .addService(ServerInterceptors.intercept(service, admission.interceptor())).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    cleanup.add(() -> {
      channel.shutdownNow();
      server.shutdownNow();
    });
  }

  private QuerierServiceGrpc.QuerierServiceBlockingStub stub() {
    return QuerierServiceGrpc.newBlockingStub(channel);
  }

  @Test
  void theQueryTimeoutStopsAQueryWhoseClientSetNoDeadline() throws Exception {
    start(Duration.ofSeconds(2), 4, 4); // long enough for the call to start on a loaded machine
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> stub().labelNames(LabelNamesRequest.getDefaultInstance()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(e.getStatus().getDescription()).contains("-querier.query-timeout").contains("2s");
    assertThat(ErrorCode.fromGrpc(e.getStatus().getCode()).httpStatus()).isEqualTo(504);
    assertThat(service.seenDeadline.get()).as("the query ran with a deadline").isNotNull();
    await(() -> service.stoppedWith.get() != null, "the query loop to stop");
    assertThat(service.stoppedWith.get()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    await(() -> admission.limiter().running() == 0, "the slot to be freed");
    assertThat(registry.get("pyroscope.querier.query.timeouts").counter().count()).isEqualTo(1);
  }

  @Test
  void aShorterClientDeadlineWinsAndIsNotReportedAsTheQueryTimeout() throws Exception {
    start(Duration.ofHours(1), 4, 4);
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> stub().withDeadlineAfter(50, TimeUnit.MILLISECONDS).labelNames(LabelNamesRequest.getDefaultInstance()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(e.getStatus().getDescription()).doesNotContain("-querier.query-timeout");
    Deadline seen = service.seenDeadline.get();
    assertThat(seen).isNotNull();
    assertThat(seen.isBefore(Deadline.after(30, TimeUnit.MINUTES))).as("the client's deadline, not the hour").isTrue();
    await(() -> service.stoppedWith.get() != null, "the query loop to stop");
    // The server's own deadline and the client's cancellation race; either stops the loop.
    assertThat(service.stoppedWith.get()).isIn(Status.Code.DEADLINE_EXCEEDED, Status.Code.CANCELLED);
    await(() -> admission.limiter().running() == 0, "the slot to be freed");
    assertThat(registry.get("pyroscope.querier.query.timeouts").counter().count()).isZero();
  }

  @Test
  void aClientThatGoesAwayStopsTheQuery() throws Exception {
    start(Duration.ofHours(1), 4, 4);
    Context.CancellableContext client = Context.current().withCancellation();
    CompletableFuture<LabelNamesResponse> call = CompletableFuture.supplyAsync(
        () -> {
          Context previous = client.attach();
          try {
            return stub().labelNames(LabelNamesRequest.getDefaultInstance());
          } finally {
            client.detach(previous);
          }
        }, threads);
    await(() -> service.started.get() == 1, "the query to start");
    client.cancel(null);
    await(() -> service.stoppedWith.get() != null, "the query loop to stop");
    assertThat(service.stoppedWith.get()).isEqualTo(Status.Code.CANCELLED);
    await(() -> admission.limiter().running() == 0, "the slot to be freed");
    await(call::isDone, "the client call to end");
    assertThat(call).isCompletedExceptionally();
  }

  @Test
  void theSecondQueryWaitsTheThirdIs429AndAFailedQueryFreesItsSlot() throws Exception {
    start(Duration.ofHours(1), 1, 1);
    StatusRuntimeException failed = catchThrowableOfType(StatusRuntimeException.class,
        () -> stub().labelValues(LabelValuesRequest.getDefaultInstance()));
    assertThat(failed.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(admission.limiter().running()).as("a failed query frees its slot").isZero();

    CompletableFuture<LabelNamesResponse> held = CompletableFuture.supplyAsync(
        () -> stub().labelNames(LabelNamesRequest.getDefaultInstance()), threads);
    await(() -> service.started.get() == 1, "the first query to run");
    CompletableFuture<ProfileTypesResponse> second = CompletableFuture.supplyAsync(
        () -> stub().profileTypes(ProfileTypesRequest.getDefaultInstance()), threads);
    await(() -> admission.limiter().queued() == 1, "the second query to queue");
    assertThat(second).isNotDone();

    StatusRuntimeException third = catchThrowableOfType(StatusRuntimeException.class,
        () -> stub().profileTypes(ProfileTypesRequest.getDefaultInstance()));
    assertThat(third.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(third.getStatus().getDescription()).contains("-querier.max-concurrent=1");
    assertThat(service.profileTypesCalls.get()).as("the rejected query never ran").isZero();

    service.released = true;
    held.join();
    assertThat(second.join()).isEqualTo(ProfileTypesResponse.getDefaultInstance());
    assertThat(service.profileTypesCalls.get()).isEqualTo(1);
    assertThat(admission.limiter().running()).isZero();
  }

  @Test
  void aLegacyRequestHoldsOneSlotForAllItsInProcessCalls() throws Exception {
    start(Duration.ofHours(1), 1, 0);
    QuerierServiceGrpc.QuerierServiceBlockingStub admitted = stub().withInterceptors(admission.admittedCalls());
    AtomicInteger runningInside = new AtomicInteger(-1);
    AtomicReference<Status.Code> unmarked = new AtomicReference<>();
    HttpHandler handler = admission.legacy(request -> {
      runningInside.set(admission.limiter().running());
      admitted.profileTypes(ProfileTypesRequest.getDefaultInstance());
      admitted.profileTypes(ProfileTypesRequest.getDefaultInstance());
      // A call without the marker is a query of its own, and there is no slot left for it.
      unmarked.set(catchThrowableOfType(StatusRuntimeException.class,
          () -> stub().profileTypes(ProfileTypesRequest.getDefaultInstance())).getStatus().getCode());
      return HttpResponse.text(200, "ok");
    });
    HttpResponse r = handler.handle(request());
    assertThat(r.status()).isEqualTo(200);
    assertThat(runningInside.get()).isEqualTo(1);
    assertThat(service.profileTypesCalls.get()).isEqualTo(2);
    assertThat(unmarked.get()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(admission.limiter().running()).isZero();
  }

  @Test
  void aLegacyRequestStopsAtTheQueryTimeoutWith504NamingTheFlag() throws Exception {
    start(Duration.ofSeconds(2), 1, 0); // long enough for the call to start on a loaded machine
    QuerierServiceGrpc.QuerierServiceBlockingStub admitted = stub().withInterceptors(admission.admittedCalls());
    HttpHandler handler = admission.legacy(request -> {
      admitted.labelNames(LabelNamesRequest.getDefaultInstance());
      return HttpResponse.text(200, "ok");
    });
    FlarestackException e = catchThrowableOfType(FlarestackException.class, () -> handler.handle(request()));
    assertThat(service.started.get()).isEqualTo(1);
    assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
    assertThat(e.code().httpStatus()).isEqualTo(504);
    assertThat(e).hasMessageContaining("-querier.query-timeout").hasMessageContaining("2s");
    await(() -> service.stoppedWith.get() != null, "the query loop to stop");
    // The in-process call's own deadline and its client's cancellation race; either stops the loop.
    assertThat(service.stoppedWith.get()).isIn(Status.Code.DEADLINE_EXCEEDED, Status.Code.CANCELLED);
    assertThat(admission.limiter().running()).isZero();
  }

  private static HttpRequest request() {
    return new HttpRequest("GET", "/pyroscope/render", Map.of(), Map.of(), new byte[0]);
  }

  /**
   * LabelNames runs like a long query: it loops, checking for cancellation, until released;
   * LabelValues fails; ProfileTypes answers at once.
   */
  static final class HoldingQuerier extends QuerierServiceGrpc.QuerierServiceImplBase {
    volatile boolean released;
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger profileTypesCalls = new AtomicInteger();
    final AtomicReference<Deadline> seenDeadline = new AtomicReference<>();
    final AtomicReference<Status.Code> stoppedWith = new AtomicReference<>();

    @Override
    public void labelNames(LabelNamesRequest request, StreamObserver<LabelNamesResponse> observer) {
      GrpcCalls.unary(observer, () -> {
        seenDeadline.set(Context.current().getDeadline());
        started.incrementAndGet();
        Cancellation cancel = Cancellation.current();
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try {
          while (!released && System.nanoTime() < giveUp) {
            cancel.checkNow();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
          }
        } catch (QueryCancelledException e) {
          stoppedWith.set(e.getStatus().getCode());
          throw e;
        }
        return LabelNamesResponse.getDefaultInstance();
      });
    }

    @Override
    public void labelValues(LabelValuesRequest request, StreamObserver<LabelValuesResponse> observer) {
      GrpcCalls.unary(observer, () -> {
        throw FlarestackException.invalidArgument("name is required");
      });
    }

    @Override
    public void profileTypes(ProfileTypesRequest request, StreamObserver<ProfileTypesResponse> observer) {
      GrpcCalls.unary(observer, () -> {
        profileTypesCalls.incrementAndGet();
        return ProfileTypesResponse.getDefaultInstance();
      });
    }
  }
}
