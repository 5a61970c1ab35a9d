package io.flarestack.common.edge.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.querier.v1.ProfileTypesRequest;
import io.flarestack.api.querier.v1.ProfileTypesResponse;
import io.flarestack.api.querier.v1.SelectSeriesRequest;
import io.flarestack.api.querier.v1.SelectSeriesResponse;
import io.flarestack.api.version.v1.VersionGrpc;
import io.flarestack.api.version.v1.VersionRequest;
import io.flarestack.api.version.v1.VersionResponse;
import io.flarestack.common.edge.QuerierTestService;
import io.flarestack.common.io.RequestMemory;
import io.flarestack.common.tenant.Tenant;
import io.flarestack.common.tenant.TenantServerInterceptor;
import io.grpc.Metadata;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The adapter that runs a registered gRPC method without grpc-java's transport. */
class UnaryCallRunnerTest {
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final UnaryCallRunner runner = new UnaryCallRunner(executor, scheduler);
  private final QuerierTestService querier = new QuerierTestService();
  private final ServerServiceDefinition definition =
      ServerInterceptors.intercept(querier.bindService(), new TenantServerInterceptor(true));

  @AfterEach
  void shutdown() throws InterruptedException {
    querier.release.complete(null);
    executor.shutdown();
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    scheduler.shutdownNow();
  }

  @SuppressWarnings("unchecked")
  private <Q, R> ServerMethodDefinition<Q, R> method(ServerServiceDefinition def, String name) {
    return (ServerMethodDefinition<Q, R>) def.getMethod(name);
  }

  private static Metadata tenant(String id) {
    Metadata md = new Metadata();
    md.put(Tenant.METADATA_KEY, id);
    return md;
  }

  @Test
  void runsTheMethodThroughItsInterceptors() throws Exception {
    ServerMethodDefinition<ProfileTypesRequest, ProfileTypesResponse> m =
        method(definition, "querier.v1.QuerierService/ProfileTypes");
    CallResult<ProfileTypesResponse> ok = runner.start(m, ProfileTypesRequest.getDefaultInstance(), tenant("t-9"),
        Timeouts.NONE, null, null, RequestMemory.unbounded()).get(10, TimeUnit.SECONDS);
    assertThat(ok.status().isOk()).isTrue();
    assertThat(ok.message().getProfileTypes(0).getID()).isEqualTo("t-9");

    CallResult<ProfileTypesResponse> rejected = runner.start(m, ProfileTypesRequest.getDefaultInstance(), new Metadata(),
        Timeouts.NONE, null, null, RequestMemory.unbounded()).get(10, TimeUnit.SECONDS);
    assertThat(rejected.status().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(rejected.status().getDescription()).isEqualTo("no org id");
    assertThat(rejected.message()).isNull();
  }

  @Test
  void aDeadlineCancelsTheCallAndItsContext() throws Exception {
    ServerMethodDefinition<SelectSeriesRequest, SelectSeriesResponse> m = method(definition, "querier.v1.QuerierService/SelectSeries");
    CompletableFuture<CallResult<SelectSeriesResponse>> call = runner.start(m, SelectSeriesRequest.getDefaultInstance(),
        tenant("t"), TimeUnit.MILLISECONDS.toNanos(100), null, null, RequestMemory.unbounded());
    assertThat(call.get(10, TimeUnit.SECONDS).status().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    querier.slowSawCancellation.get(10, TimeUnit.SECONDS);
  }

  @Test
  void cancellingTheResultCancelsTheServicesContext() throws Exception {
    ServerMethodDefinition<SelectSeriesRequest, SelectSeriesResponse> m = method(definition, "querier.v1.QuerierService/SelectSeries");
    CompletableFuture<CallResult<SelectSeriesResponse>> call = runner.start(m, SelectSeriesRequest.getDefaultInstance(),
        tenant("t"), Timeouts.NONE, null, null, RequestMemory.unbounded());
    assertThat(querier.slowEntered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
    assertThat(call).isNotDone();
    call.cancel(false); // what the transport does when the client goes away
    querier.slowSawCancellation.get(10, TimeUnit.SECONDS);
  }

  @Test
  void serviceFailuresBecomeStatuses() throws Exception {
    ServerServiceDefinition broken = new VersionGrpc.VersionImplBase() {
      @Override
      public void version(VersionRequest request, StreamObserver<VersionResponse> observer) {
        throw new IllegalStateException("broken service");
      }
    }.bindService();
    CallResult<VersionResponse> thrown = runner.<VersionRequest, VersionResponse>start(method(broken, "version.v1.Version/Version"),
        VersionRequest.getDefaultInstance(), new Metadata(), Timeouts.NONE, null, null, RequestMemory.unbounded()).get(10, TimeUnit.SECONDS);
    // A bug's own message (which may name server files) stays in the log, not in the answer.
    assertThat(thrown.status().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(thrown.status().getDescription()).contains("internal error (IllegalStateException)")
        .doesNotContain("broken service");

    ServerServiceDefinition silent = new VersionGrpc.VersionImplBase() {
      @Override
      public void version(VersionRequest request, StreamObserver<VersionResponse> observer) {
        observer.onCompleted();
      }
    }.bindService();
    CallResult<VersionResponse> empty = runner.<VersionRequest, VersionResponse>start(method(silent, "version.v1.Version/Version"),
        VersionRequest.getDefaultInstance(), new Metadata(), Timeouts.NONE, null, null, RequestMemory.unbounded()).get(10, TimeUnit.SECONDS);
    assertThat(empty.status().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(empty.status().getDescription()).contains("without a response");
  }
}
