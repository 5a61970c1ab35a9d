package io.flarestack.common.edge;

import io.flarestack.api.querier.v1.FlameGraph;
import io.flarestack.api.querier.v1.Level;
import io.flarestack.api.querier.v1.ProfileTypesRequest;
import io.flarestack.api.querier.v1.ProfileTypesResponse;
import io.flarestack.api.querier.v1.QuerierServiceGrpc;
import io.flarestack.api.querier.v1.SelectMergeStacktracesRequest;
import io.flarestack.api.querier.v1.SelectMergeStacktracesResponse;
import io.flarestack.api.querier.v1.SelectSeriesRequest;
import io.flarestack.api.querier.v1.SelectSeriesResponse;
import io.flarestack.api.types.v1.ProfileType;
import io.flarestack.common.edge.grpc.GrpcCalls;
import io.flarestack.common.tenant.Tenant;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Querier methods with observable behaviour: SelectMergeStacktraces echoes its int64 inputs
 * into a flame graph, ProfileTypes answers with the caller's tenant as the profile type ID, and
 * SelectSeries blocks until {@link #release} completes or the call is cancelled (at most 30 s), for deadline and shutdown tests.
 */
public final class QuerierTestService extends QuerierServiceGrpc.QuerierServiceImplBase {
  public final Semaphore slowEntered = new Semaphore(0);
  public final CompletableFuture<Void> release = new CompletableFuture<>();
  public final CompletableFuture<Void> slowSawCancellation = new CompletableFuture<>();

  @Override
  public void selectMergeStacktraces(SelectMergeStacktracesRequest r, StreamObserver<SelectMergeStacktracesResponse> observer) {
    GrpcCalls.unary(observer, () -> SelectMergeStacktracesResponse.newBuilder()
        .setFlamegraph(FlameGraph.newBuilder()
            .addNames(r.getProfileTypeID())
            .addNames(r.getLabelSelector())
            .addLevels(Level.newBuilder().addValues(r.getStart()).addValues(r.getEnd()))
            .setTotal(r.getEnd() - r.getStart())
            .setMaxSelf(r.getMaxNodes()))
        .build());
  }

  @Override
  public void profileTypes(ProfileTypesRequest request, StreamObserver<ProfileTypesResponse> observer) {
    GrpcCalls.unary(observer, () -> ProfileTypesResponse.newBuilder()
        .addProfileTypes(ProfileType.newBuilder().setID(Tenant.current()))
        .build());
  }

  @Override
  public void selectSeries(SelectSeriesRequest request, StreamObserver<SelectSeriesResponse> observer) {
    GrpcCalls.unary(observer, () -> {
      Context.current().addListener(c -> slowSawCancellation.complete(null), Runnable::run);
      slowEntered.release();
      CompletableFuture.anyOf(release, slowSawCancellation).get(30, TimeUnit.SECONDS);
      return SelectSeriesResponse.getDefaultInstance();
    });
  }
}
