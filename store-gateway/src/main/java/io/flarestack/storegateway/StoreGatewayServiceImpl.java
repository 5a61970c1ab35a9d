package io.flarestack.storegateway;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.ingester.v1.MergePprofRequest;
import io.flarestack.api.ingester.v1.MergeTreeRequest;
import io.flarestack.api.ingester.v1.MergeTreeResponse;
import io.flarestack.api.ingester.v1.ProfileKeys;
import io.flarestack.api.ingester.v1.SelectProfilesRequest;
import io.flarestack.api.ingester.v1.SelectSeriesRequest;
import io.flarestack.api.ingester.v1.SelectSeriesResponse;
import io.flarestack.api.querier.v1.ProfileTypesRequest;
import io.flarestack.api.querier.v1.ProfileTypesResponse;
import io.flarestack.api.querier.v1.SeriesRequest;
import io.flarestack.api.querier.v1.SeriesResponse;
import io.flarestack.api.storegateway.v1.BlocksRequest;
import io.flarestack.api.storegateway.v1.BlocksResponse;
import io.flarestack.api.storegateway.v1.StoreGatewayServiceGrpc;
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
import java.util.List;

/**
 * The gRPC binding of {@code flarestack.storegateway.v1.StoreGatewayService}: the same read
 * operations as the ingester's, answered by the shared {@link QueryEngine} over the tenant's
 * blocks, plus {@code Blocks}. The tenant comes from the call context. Thread-safe.
 */
public final class StoreGatewayServiceImpl extends StoreGatewayServiceGrpc.StoreGatewayServiceImplBase {
  private final StoreGateway gateway;
  private final QueryEngine engine = new QueryEngine();

  public StoreGatewayServiceImpl(StoreGateway gateway) {
    this.gateway = requireNonNull(gateway, "gateway is null");
  }

  @Override
  public void blocks(BlocksRequest request, StreamObserver<BlocksResponse> observer) {
    GrpcCalls.unary(observer, () -> BlocksResponse.newBuilder()
        .addAllBlocks(gateway.plan(Tenant.current(), request.getStart(), request.getEnd())).build());
  }

  @Override
  public void profileTypes(ProfileTypesRequest request, StreamObserver<ProfileTypesResponse> observer) {
    GrpcCalls.unary(observer, () -> engine.profileTypes(sources(request.getStart(), request.getEnd()), request));
  }

  @Override
  public void labelNames(LabelNamesRequest request, StreamObserver<LabelNamesResponse> observer) {
    GrpcCalls.unary(observer, () -> engine.labelNames(sources(request.getStart(), request.getEnd()), request));
  }

  @Override
  public void labelValues(LabelValuesRequest request, StreamObserver<LabelValuesResponse> observer) {
    GrpcCalls.unary(observer, () -> engine.labelValues(sources(request.getStart(), request.getEnd()), request));
  }

  @Override
  public void series(SeriesRequest request, StreamObserver<SeriesResponse> observer) {
    GrpcCalls.unary(observer, () -> engine.series(sources(request.getStart(), request.getEnd()), request));
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
    GrpcCalls.unary(observer, () -> engine.profileStats(sources(0, 0)));
  }

  private List<ProfileSource> sources(long start, long end) {
    return gateway.sources(Tenant.current(), start, end, List.of());
  }

  private List<ProfileSource> sources(SelectProfilesRequest select) {
    return gateway.sources(Tenant.current(), select.getStart(), select.getEnd(), select.getBlocksList());
  }
}
