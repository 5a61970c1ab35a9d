package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.PusherServiceGrpc;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.api.push.v1.RawSample;
import io.flarestack.api.querier.v1.SelectMergeStacktracesRequest;
import io.flarestack.api.querier.v1.SelectMergeStacktracesResponse;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.common.tenant.Tenant;
import io.flarestack.server.testing.TestServer;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** With -auth.multitenancy-enabled=true every request needs X-Scope-OrgID and tenants are isolated. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiTenancyIT {
  private static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
  private TestServer server;
  private long now;

  @BeforeAll
  void start() throws Exception {
    server = TestServer.start("-auth.multitenancy-enabled=true");
    now = System.currentTimeMillis();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void missingTenantIsUnauthenticatedOnEveryPath() throws Exception {
    HttpResponse<byte[]> connect = server.post("/querier.v1.QuerierService/LabelNames", "application/json", "{}".getBytes());
    assertThat(connect.statusCode()).isEqualTo(401);
    assertThat(TestServer.text(connect)).contains("\"code\":\"unauthenticated\"");

    HttpResponse<byte[]> ingest = server.post("/ingest?name=app.cpu", "text/plain", "main 1\n".getBytes());
    assertThat(ingest.statusCode()).isEqualTo(401);
    assertThat(TestServer.text(ingest)).isEqualTo("{\"code\":\"unauthenticated\",\"message\":\"no org id\"}");

    StatusRuntimeException grpc = org.assertj.core.api.Assertions.catchThrowableOfType(StatusRuntimeException.class,
        () -> PusherServiceGrpc.newBlockingStub(server.grpcChannel()).push(PushRequest.getDefaultInstance()));
    assertThat(grpc.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);

    assertThat(server.get("/pyroscope/render?query=" + CPU + "%7B%7D").statusCode()).isEqualTo(401);
  }

  @Test
  void tenantsSeeOnlyTheirOwnData() throws Exception {
    String folded = "main;work 30\nmain;idle 10\n";
    HttpResponse<byte[]> a = server.post("/ingest?name=shared.cpu&sampleRate=100", "text/plain",
        folded.getBytes(StandardCharsets.UTF_8), Tenant.HEADER, "team-a");
    assertThat(a.statusCode()).as(TestServer.text(a)).isEqualTo(200);

    // Tenant b pushes the same service over gRPC with the tenant in metadata.
    Metadata md = new Metadata();
    md.put(Tenant.METADATA_KEY, "team-b");
    byte[] pprof = io.flarestack.api.google.v1.Profile.newBuilder()
        .addStringTable("").addStringTable("cpu").addStringTable("nanoseconds").addStringTable("main")
        .addSampleType(io.flarestack.api.google.v1.ValueType.newBuilder().setType(1).setUnit(2))
        .setPeriodType(io.flarestack.api.google.v1.ValueType.newBuilder().setType(1).setUnit(2))
        .addFunction(io.flarestack.api.google.v1.Function.newBuilder().setId(1).setName(3))
        .addLocation(io.flarestack.api.google.v1.Location.newBuilder().setId(1)
            .addLine(io.flarestack.api.google.v1.Line.newBuilder().setFunctionId(1)))
        .addSample(io.flarestack.api.google.v1.Sample.newBuilder().addLocationId(1).addValue(7))
        .setTimeNanos(now * 1_000_000L).build().toByteArray();
    PusherServiceGrpc.newBlockingStub(server.grpcChannel())
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
        .push(PushRequest.newBuilder().addSeries(RawProfileSeries.newBuilder()
            .addLabels(LabelPair.newBuilder().setName("__name__").setValue("process_cpu"))
            .addLabels(LabelPair.newBuilder().setName("service_name").setValue("shared"))
            .addSamples(RawSample.newBuilder().setRawProfile(ByteString.copyFrom(pprof)))).build());

    assertThat(total("team-a")).isEqualTo(400_000_000L); // 40 samples × 10 ms
    assertThat(total("team-b")).isEqualTo(7L);
    assertThat(total("team-c")).isZero();
  }

  private long total(String tenant) throws Exception {
    return server.connect("/querier.v1.QuerierService/SelectMergeStacktraces",
        SelectMergeStacktracesRequest.newBuilder().setProfileTypeID(CPU).setLabelSelector("{service_name=\"shared\"}")
            .setStart(now - 3_600_000).setEnd(now + 60_000).build(),
        SelectMergeStacktracesResponse.parser(), Tenant.HEADER, tenant).getFlamegraph().getTotal();
  }
}
