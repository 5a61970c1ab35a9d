package io.flarestack.common.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.util.concurrent.ListenableFuture;
import io.flarestack.api.querier.v1.QuerierServiceGrpc;
import io.flarestack.api.querier.v1.SelectMergeStacktracesRequest;
import io.flarestack.api.querier.v1.SelectMergeStacktracesResponse;
import io.flarestack.api.settings.v1.DeleteSettingsRequest;
import io.flarestack.api.settings.v1.GetSettingsRequest;
import io.flarestack.api.settings.v1.SetSettingsRequest;
import io.flarestack.api.settings.v1.Setting;
import io.flarestack.api.settings.v1.SettingsServiceGrpc;
import io.flarestack.common.edge.http.HttpResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Cleartext HTTP/2 with prior knowledge on the HTTP port: Connect with curl, and gRPC with a grpc-java channel. */
@Timeout(120)
class Http2IT {
  private static final String BIG = "flarestack ".repeat(20_000);
  private static TestServer t;
  private static ManagedChannel channel; // grpc-java pointed at the HTTP port
  private static final ObjectMapper mapper = new ObjectMapper();
  @TempDir
  Path dir;

  @BeforeAll
  static void start() throws Exception {
    t = TestServer.start(true).route("GET", "/big", r -> HttpResponse.text(200, BIG))
        .route("POST", "/digest", r -> HttpResponse.text(200, r.body().length + " " + HttpRoutesIT.sha256(r.body())));
    channel = Grpc.channel(t.server.httpPort());
  }

  @AfterAll
  static void stop() throws Exception {
    Grpc.close(channel);
    t.querier.release.complete(null);
    t.close();
  }

  private String url(String path) {
    return t.uri(path).toString();
  }

  @Test
  void connectJsonOverH2cPriorKnowledge() throws Exception {
    Path req = dir.resolve("req.json");
    Files.writeString(req, "{\"profileTypeID\":\"p\",\"start\":\"10\",\"end\":\"25\",\"maxNodes\":3}");
    Curl.Result r = Curl.run(dir, List.of("--http2-prior-knowledge", "-H", "Content-Type: application/json",
        "-H", "X-Scope-OrgID: tenant-1", "--data-binary", "@" + req, url("/querier.v1.QuerierService/SelectMergeStacktraces")));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.httpVersion()).isEqualTo("2");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers()).contains("content-type: application/json");
    JsonNode fg = mapper.readTree(r.body()).get("flamegraph");
    assertThat(fg.get("total").asText()).isEqualTo("15");
    assertThat(fg.get("maxSelf").asText()).isEqualTo("3");
  }

  @Test
  void connectErrorsAndPlainRoutesOverH2c() throws Exception {
    Curl.Result unauthenticated = Curl.run(dir, List.of("--http2-prior-knowledge", "-H", "Content-Type: application/json",
        "--data-binary", "{}", url("/querier.v1.QuerierService/ProfileTypes")));
    assertThat(unauthenticated.httpVersion()).isEqualTo("2");
    assertThat(unauthenticated.status()).isEqualTo(401);
    assertThat(unauthenticated.text()).isEqualTo("{\"code\":\"unauthenticated\",\"message\":\"no org id\"}");

    Curl.Result big = Curl.run(dir, List.of("--http2-prior-knowledge", "--compressed", url("/big")));
    assertThat(big.status()).isEqualTo(200);
    assertThat(big.headers()).contains("content-encoding: gzip");
    assertThat(big.text()).isEqualTo(BIG);

    Curl.Result missing = Curl.run(dir, List.of("--http2-prior-knowledge", url("/missing")));
    assertThat(missing.status()).isEqualTo(404);
  }

  @Test
  void largeUploadsOverH2cAreFlowControlledAndComplete() throws Exception {
    byte[] body = new byte[5 * 1024 * 1024 + 3];
    new java.util.Random(7).nextBytes(body);
    Path file = dir.resolve("upload.bin");
    Files.write(file, body);
    Curl.Result r = Curl.run(dir, List.of("--http2-prior-knowledge", "-H", "Content-Type: application/octet-stream",
        "--data-binary", "@" + file, url("/digest")));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.httpVersion()).isEqualTo("2");
    assertThat(r.text()).isEqualTo(body.length + " " + HttpRoutesIT.sha256(body));
  }

  @Test
  void grpcJavaClientOnTheHttpPort() {
    var settings = Grpc.withTenant(SettingsServiceGrpc.newBlockingStub(channel), "h2-tenant");
    Setting s = Setting.newBuilder().setName("over-h2c").setValue(BIG).setModifiedAt(42).build(); // 220 KB: several DATA frames
    assertThat(settings.set(SetSettingsRequest.newBuilder().setSetting(s).build()).getSetting()).isEqualTo(s);
    assertThat(settings.get(GetSettingsRequest.getDefaultInstance()).getSettingsList()).containsExactly(s);
    // Compressed request messages.
    assertThat(settings.withCompression("gzip").get(GetSettingsRequest.getDefaultInstance()).getSettingsList()).containsExactly(s);

    assertThatThrownBy(() -> settings.set(SetSettingsRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).isEqualTo("setting name is empty");
        });
    assertThatThrownBy(() -> settings.delete(DeleteSettingsRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
    assertThatThrownBy(() -> SettingsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
        .get(GetSettingsRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
          assertThat(e.getStatus().getDescription()).isEqualTo("no org id");
        });
    HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance());
    assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void manyConcurrentGrpcCallsShareOneConnection() throws Exception {
    var stub = Grpc.withTenant(QuerierServiceGrpc.newFutureStub(channel), "concurrent");
    List<ListenableFuture<SelectMergeStacktracesResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      calls.add(stub.selectMergeStacktraces(SelectMergeStacktracesRequest.newBuilder().setStart(i).setEnd(i * 3L).build()));
    }
    for (int i = 0; i < calls.size(); i++) {
      assertThat(calls.get(i).get(20, TimeUnit.SECONDS).getFlamegraph().getTotal()).isEqualTo(2L * i);
    }
  }

  @Test
  void aGrpcDeadlineCancelsTheServiceCall() throws Exception {
    var stub = Grpc.withTenant(QuerierServiceGrpc.newBlockingStub(channel), "slow").withDeadlineAfter(300, TimeUnit.MILLISECONDS);
    assertThatThrownBy(() -> stub.selectSeries(io.flarestack.api.querier.v1.SelectSeriesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    t.querier.slowSawCancellation.get(10, TimeUnit.SECONDS);
  }

  @Test
  void unknownMethodsOverGrpcAreUnimplemented() {
    var stub = Grpc.withTenant(io.flarestack.api.version.v1.VersionGrpc.newBlockingStub(channel), "x");
    assertThatThrownBy(() -> stub.version(io.flarestack.api.version.v1.VersionRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
  }
}
