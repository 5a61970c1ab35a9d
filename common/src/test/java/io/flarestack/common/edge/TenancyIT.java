package io.flarestack.common.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.api.querier.v1.ProfileTypesRequest;
import io.flarestack.api.querier.v1.QuerierServiceGrpc;
import io.flarestack.api.settings.v1.GetSettingsRequest;
import io.flarestack.api.settings.v1.GetSettingsResponse;
import io.flarestack.api.settings.v1.SetSettingsRequest;
import io.flarestack.api.settings.v1.Setting;
import io.flarestack.api.settings.v1.SettingsServiceGrpc;
import io.flarestack.common.tenant.Tenant;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The same service through all three bindings (Connect on the HTTP port, the gRPC port, the
 * in-process server) with multitenancy on and off.
 */
@Timeout(120)
class TenancyIT {
  private static final String PROFILE_TYPES = "/querier.v1.QuerierService/ProfileTypes";
  private static TestServer on;
  private static TestServer off;
  private static ManagedChannel onGrpc;
  private static ManagedChannel offGrpc;
  private static final Http http = new Http();

  @BeforeAll
  static void start() throws Exception {
    on = TestServer.start(true);
    off = TestServer.start(false);
    onGrpc = Grpc.channel(on.server.grpcPort());
    offGrpc = Grpc.channel(off.server.grpcPort());
  }

  @AfterAll
  static void stop() throws Exception {
    Grpc.close(onGrpc);
    Grpc.close(offGrpc);
    on.close();
    off.close();
  }

  @Test
  void connectNeedsAnOrgIdWhenMultitenant() throws Exception {
    var missing = http.post(on.uri(PROFILE_TYPES), "application/json", "{}".getBytes(StandardCharsets.UTF_8));
    ConnectIT.assertError(missing, 401, "unauthenticated", "no org id");
    var invalid = http.post(on.uri(PROFILE_TYPES), "application/json", "{}".getBytes(StandardCharsets.UTF_8),
        "X-Scope-OrgID", "a/b");
    ConnectIT.assertError(invalid, 401, "unauthenticated", "unsupported character '/'");
    var ok = http.post(on.uri(PROFILE_TYPES), "application/json", "{}".getBytes(StandardCharsets.UTF_8),
        "X-Scope-OrgID", "team-a");
    assertThat(Http.text(ok)).isEqualTo("{\"profileTypes\":[{\"ID\":\"team-a\"}]}");
  }

  @Test
  void tenantsAreIsolatedAcrossConnectAndGrpc() throws Exception {
    Setting s = Setting.newBuilder().setName("isolated").setValue("t1 only").build();
    var set = http.post(on.uri("/settings.v1.SettingsService/Set"), "application/proto",
        SetSettingsRequest.newBuilder().setSetting(s).build().toByteArray(), "X-Scope-OrgID", "t1");
    assertThat(set.statusCode()).isEqualTo(200);

    SettingsServiceGrpc.SettingsServiceBlockingStub stub = SettingsServiceGrpc.newBlockingStub(onGrpc);
    GetSettingsResponse t1 = Grpc.withTenant(stub, "t1").get(GetSettingsRequest.getDefaultInstance());
    GetSettingsResponse t2 = Grpc.withTenant(stub, "t2").get(GetSettingsRequest.getDefaultInstance());
    assertThat(t1.getSettingsList()).containsExactly(s);
    assertThat(t2.getSettingsList()).isEmpty();
  }

  @Test
  void grpcPortNeedsAnOrgIdWhenMultitenant() {
    var stub = QuerierServiceGrpc.newBlockingStub(onGrpc).withDeadlineAfter(20, TimeUnit.SECONDS);
    assertThatThrownBy(() -> stub.profileTypes(ProfileTypesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
          assertThat(e.getStatus().getDescription()).isEqualTo("no org id");
        });
    assertThat(Grpc.withTenant(QuerierServiceGrpc.newBlockingStub(onGrpc), "team-b")
        .profileTypes(ProfileTypesRequest.getDefaultInstance()).getProfileTypes(0).getID()).isEqualTo("team-b");
  }

  @Test
  void grpcErrorsKeepTheirStatus() {
    var stub = Grpc.withTenant(SettingsServiceGrpc.newBlockingStub(onGrpc), "t3");
    assertThatThrownBy(() -> stub.set(SetSettingsRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).isEqualTo("setting name is empty");
        });
  }

  @Test
  void inProcessChannelForwardsTheCurrentTenant() throws Exception {
    var stub = QuerierServiceGrpc.newBlockingStub(on.server.inProcessChannel()).withDeadlineAfter(20, TimeUnit.SECONDS);
    String id = Context.current().withValue(Tenant.CONTEXT_KEY, "forwarded")
        .call(() -> stub.profileTypes(ProfileTypesRequest.getDefaultInstance()).getProfileTypes(0).getID());
    assertThat(id).isEqualTo("forwarded");
    assertThatThrownBy(() -> stub.profileTypes(ProfileTypesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    assertThat(on.server.inProcessChannel()).isSameAs(on.server.inProcessChannel());
  }

  @Test
  void withoutMultitenancyEveryRequestIsAnonymous() throws Exception {
    var connect = http.post(off.uri(PROFILE_TYPES), "application/json", "{}".getBytes(StandardCharsets.UTF_8),
        "X-Scope-OrgID", "someone");
    assertThat(Http.text(connect)).isEqualTo("{\"profileTypes\":[{\"ID\":\"anonymous\"}]}");
    var noHeader = http.post(off.uri(PROFILE_TYPES), "application/json", "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(Http.text(noHeader)).isEqualTo("{\"profileTypes\":[{\"ID\":\"anonymous\"}]}");
    assertThat(Grpc.withTenant(QuerierServiceGrpc.newBlockingStub(offGrpc), "someone")
        .profileTypes(ProfileTypesRequest.getDefaultInstance()).getProfileTypes(0).getID()).isEqualTo("anonymous");
    var inProcess = QuerierServiceGrpc.newBlockingStub(off.server.inProcessChannel()).withDeadlineAfter(20, TimeUnit.SECONDS);
    assertThat(inProcess.profileTypes(ProfileTypesRequest.getDefaultInstance()).getProfileTypes(0).getID())
        .isEqualTo("anonymous");
    assertThat(off.server.multitenancyEnabled()).isFalse();
    assertThat(on.server.multitenancyEnabled()).isTrue();
  }

  @Test
  void servicesAddedAfterStartAreServedEverywhere() throws Exception {
    TestServer late = TestServer.start(false);
    try {
      late.server.addService(new io.flarestack.api.version.v1.VersionGrpc.VersionImplBase() {
        @Override
        public void version(io.flarestack.api.version.v1.VersionRequest request,
            io.grpc.stub.StreamObserver<io.flarestack.api.version.v1.VersionResponse> observer) {
          io.flarestack.common.edge.grpc.GrpcCalls.unary(observer,
              () -> io.flarestack.api.version.v1.VersionResponse.newBuilder().setQuerierAPI(1).build());
        }
      });
      var connect = http.post(late.uri("/version.v1.Version/Version"), "application/json", "{}".getBytes(StandardCharsets.UTF_8));
      assertThat(Http.text(connect)).isEqualTo("{\"QuerierAPI\":\"1\"}");
      ManagedChannel ch = Grpc.channel(late.server.grpcPort());
      try {
        assertThat(io.flarestack.api.version.v1.VersionGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS)
            .version(io.flarestack.api.version.v1.VersionRequest.getDefaultInstance()).getQuerierAPI()).isEqualTo(1);
      } finally {
        Grpc.close(ch);
      }
      assertThat(io.flarestack.api.version.v1.VersionGrpc.newBlockingStub(late.server.inProcessChannel())
          .version(io.flarestack.api.version.v1.VersionRequest.getDefaultInstance()).getQuerierAPI()).isEqualTo(1);
    } finally {
      late.close();
    }
  }
}
