package io.flarestack.ingester;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.ingester.v1.IngesterServiceGrpc;
import io.flarestack.api.ingester.v1.MergePprofRequest;
import io.flarestack.api.ingester.v1.MergeTreeRequest;
import io.flarestack.api.ingester.v1.MergeTreeResponse;
import io.flarestack.api.ingester.v1.PushRequest;
import io.flarestack.api.ingester.v1.PushResponse;
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
import io.flarestack.common.server.grpc.GrpcCalls;
import io.flarestack.common.tenant.Tenant;
import io.flarestack.ingester.head.TenantHead;
import io.grpc.stub.StreamObserver;

/**
 * The gRPC binding of the ingester's internal protocol. The tenant comes from the call context
 * (resolved by the tenant server interceptor); errors map to statuses through
 * {@link GrpcCalls#unary}. Thread-safe.
 */
public final class IngesterServiceImpl extends IngesterServiceGrpc.IngesterServiceImplBase {
  private final Ingester ingester;

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
    GrpcCalls.unary(observer, () -> ingester.querier().profileTypes(head(), request));
  }

  @Override
  public void labelNames(LabelNamesRequest request, StreamObserver<LabelNamesResponse> observer) {
    GrpcCalls.unary(observer, () -> ingester.querier().labelNames(head(), request));
  }

  @Override
  public void labelValues(LabelValuesRequest request, StreamObserver<LabelValuesResponse> observer) {
    GrpcCalls.unary(observer, () -> ingester.querier().labelValues(head(), request));
  }

  @Override
  public void series(SeriesRequest request, StreamObserver<SeriesResponse> observer) {
    GrpcCalls.unary(observer, () -> ingester.querier().series(head(), request));
  }

  @Override
  public void mergeTree(MergeTreeRequest request, StreamObserver<MergeTreeResponse> observer) {
    GrpcCalls.unary(observer, () -> ingester.querier().mergeTree(head(), request));
  }

  @Override
  public void mergePprof(MergePprofRequest request, StreamObserver<Profile> observer) {
    GrpcCalls.unary(observer, () -> ingester.querier().mergePprof(head(), request));
  }

  @Override
  public void selectSeries(SelectSeriesRequest request, StreamObserver<SelectSeriesResponse> observer) {
    GrpcCalls.unary(observer, () -> ingester.querier().selectSeries(head(), request));
  }

  @Override
  public void getProfileStats(GetProfileStatsRequest request, StreamObserver<GetProfileStatsResponse> observer) {
    GrpcCalls.unary(observer, () -> ingester.querier().profileStats(head()));
  }

  private TenantHead head() {
    return ingester.headForRead(Tenant.current());
  }
}
