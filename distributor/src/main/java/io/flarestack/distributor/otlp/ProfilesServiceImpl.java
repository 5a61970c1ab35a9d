package io.flarestack.distributor.otlp;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.edge.grpc.GrpcCalls;
import io.flarestack.common.tenant.Tenant;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.profiles.v1development.ExportProfilesServiceRequest;
import io.opentelemetry.proto.collector.profiles.v1development.ExportProfilesServiceResponse;
import io.opentelemetry.proto.collector.profiles.v1development.ProfilesServiceGrpc;

/**
 * {@code opentelemetry.proto.collector.profiles.v1development.ProfilesService}, registered with
 * the server so that gRPC on the gRPC port, gRPC over h2c on the HTTP port and Connect share it.
 * The tenant comes from the call context; errors map through {@link GrpcCalls} (a request that
 * does not convert is {@code INVALID_ARGUMENT}). A success is an empty response: Flarestack never
 * accepts part of a request, so there is no partial success to report. Thread-safe.
 */
public final class ProfilesServiceImpl extends ProfilesServiceGrpc.ProfilesServiceImplBase {
  private static final ExportProfilesServiceResponse OK = ExportProfilesServiceResponse.getDefaultInstance();

  private final OtlpIngest ingest;

  public ProfilesServiceImpl(OtlpIngest ingest) {
    this.ingest = requireNonNull(ingest, "ingest is null");
  }

  @Override
  public void export(ExportProfilesServiceRequest request, StreamObserver<ExportProfilesServiceResponse> observer) {
    GrpcCalls.unary(observer, () -> {
      ingest.export(Tenant.current(), request);
      return OK;
    });
  }
}
