package io.flarestack.ingester;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.ingester.v1.IngesterServiceGrpc;
import io.flarestack.api.ingester.v1.MergePprofRequest;
import io.flarestack.api.ingester.v1.MergeTreeRequest;
import io.flarestack.api.ingester.v1.MergeTreeResponse;
import io.flarestack.api.ingester.v1.ProfileKeys;
import io.flarestack.api.ingester.v1.PushRequest;
import io.flarestack.api.ingester.v1.PushResponse;
import io.flarestack.api.ingester.v1.SelectProfilesRequest;
import io.flarestack.api.ingester.v1.SelectSeriesRequest;
import io.flarestack.api.ingester.v1.SelectSeriesResponse;
import io.flarestack.api.querier.v1.ProfileTypesRequest;
import io.flarestack.api.querier.v1.ProfileTypesResponse;
import io.flarestack.api.querier.v1.SeriesRequest;
import io.flarestack.api.querier.v1.SeriesResponse;
import io.flarestack.api.types.v1.GetProfileStatsRequest;
import io.flarestack.api.types.v1.GetProfileStatsResponse;
import io.flarestack.api.types.v1.LabelNamesRequest;
import io.flarestack.api.types.v1.LabelNamesResponse;
import io.flarestack.api.types.v1.LabelValuesRequest;
import io.flarestack.api.types.v1.LabelValuesResponse;
import io.flarestack.common.edge.grpc.GrpcCalls;
import io.flarestack.common.tenant.Tenant;
import io.flarestack.storage.query.ProfileSource;
import io.flarestack.storage.query.QueryEngine;
import io.grpc.stub.StreamObserver;
import java.util.HashSet;
import java.util.List;

/**
 * The gRPC binding of the ingester's internal protocol. The tenant comes from the call context
 * (resolved by the tenant server interceptor); reads go through the shared {@link QueryEngine}
 * over the tenant's head windows and local blocks (minus {@code exclude_blocks}); errors map to
 * statuses through {@link GrpcCalls#unary}. Thread-safe.
 */
public final class IngesterServiceImpl extends IngesterServiceGrpc.IngesterServiceImplBase {
  private final Ingester ingester;
  private final QueryEngine engine = new QueryEngine();

  public IngesterServiceImpl(Ingester ingester) {
    this.ingester = requireNonNull(ingester, "ingester is null");
  }

  @Override
  public void push(PushRequest request, StreamObserver<PushResponse> observer) {
    GrpcCalls.unary(observer, () -> {
      ingester.push(Tenant.current(), request);
      return PushResponse.getDefaultInstance();
    });
  }

  @Override
  public void profileTypes(ProfileTypesRequest request, StreamObserver<ProfileTypesResponse> observer) {
    GrpcCalls.unary(observer, () -> engine.profileTypes(sources(), request));
  }

  @Override
  public void labelNames(LabelNamesRequest request, StreamObserver<LabelNamesResponse> observer) {
    GrpcCalls.unary(observer, () -> engine.labelNames(sources(), request));
  }

  @Override
  public void labelValues(LabelValuesRequest request, StreamObserver<LabelValuesResponse> observer) {
    GrpcCalls.unary(observer, () -> engine.labelValues(sources(), request));
  }

  @Override
  public void series(SeriesRequest request, StreamObserver<SeriesResponse> observer) {
    GrpcCalls.unary(observer, () -> engine.series(sources(), request));
  }

  @Override
  public void mergeTree(MergeTreeRequest request, StreamObserver<MergeTreeResponse> observer) {
    GrpcCalls.unary(observer, () -> engine.mergeTree(sources(request.getSelect()), request));
  }

  @Override
  public void mergePprof(MergePprofRequest request, StreamObserver<Profile> observer) {
    GrpcCalls.unary(observer, () -> engine.mergePprof(sources(request.getSelect()), request));
  }

  @Override
  public void selectSeries(SelectSeriesRequest request, StreamObserver<SelectSeriesResponse> observer) {
    GrpcCalls.unary(observer, () -> engine.selectSeries(sources(request.getSelect()), request));
  }

  @Override
  public void selectProfileKeys(SelectProfilesRequest request, StreamObserver<ProfileKeys> observer) {
    GrpcCalls.unary(observer, () -> engine.profileKeys(sources(request), request));
  }

  @Override
  public void getProfileStats(GetProfileStatsRequest request, StreamObserver<GetProfileStatsResponse> observer) {
    GrpcCalls.unary(observer, () -> engine.profileStats(sources()));
  }

  private List<ProfileSource> sources() {
    return ingester.sources(Tenant.current(), List.of());
  }

  private List<ProfileSource> sources(SelectProfilesRequest select) {
    return ingester.sources(Tenant.current(), new HashSet<>(select.getExcludeBlocksList()));
  }
}
