package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Line;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.google.v1.ValueType;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.PusherServiceGrpc;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.api.push.v1.RawSample;
import io.flarestack.api.types.v1.LabelValuesRequest;
import io.flarestack.api.types.v1.LabelValuesResponse;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.common.tenant.Tenant;
import io.flarestack.server.testing.TestServer;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * D7: a request whose tenant headers name two different tenants is refused at every door with
 * multitenancy on (400, naming both), instead of one of them silently winning; with multitenancy
 * off the header is ignored, as Pyroscope does.
 */
class TenantHeaderIT {
  private static final String H = Tenant.HEADER;
  private static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class MultitenancyOn {
    private TestServer server;

    @BeforeAll
    void start() throws Exception {
      server = TestServer.start("-auth.multitenancy-enabled=true");
    }

    @AfterAll
    void stop() {
      server.close();
    }

    @Test
    void twoDifferentHeadersAreRefusedAtEveryHttpDoorAndNothingIsStored() throws Exception {
      String[] two = {H, "tenant-a", H, "tenant-b"};
      assertAmbiguous(server.post("/push.v1.PusherService/Push", "application/proto", push("d7-connect"), two), true);
      assertAmbiguous(server.post("/push.v1.PusherService/Push", "application/json",
          ("{\"series\":[{\"labels\":[{\"name\":\"__name__\",\"value\":\"process_cpu\"},{\"name\":\"service_name\","
              + "\"value\":\"d7-json\"}],\"samples\":[{\"rawProfile\":\"\"}]}]}").getBytes(StandardCharsets.UTF_8), two),
          true);
      assertAmbiguous(server.post("/ingest?name=d7-ingest.cpu", "text/plain", "main;work 1\n".getBytes(), two), true);
      assertAmbiguous(server.post("/pyroscope/ingest?name=d7-ingest.cpu", "text/plain", "main 1\n".getBytes(), two), true);
      assertAmbiguous(server.post("/v1development/profiles", "application/x-protobuf",
          SharedTestData.bytes("otlp/otel-ebpf-profile.pb.bin"), two), false);
      assertAmbiguous(server.post("/querier.v1.QuerierService/LabelValues", "application/json",
          "{\"name\":\"service_name\"}".getBytes(), two), true);
      assertAmbiguous(server.get("/pyroscope/render?query=" + CPU + "%7B%7D&from=now-1h&until=now", two), true);

      for (String tenant : List.of("tenant-a", "tenant-b")) {
        assertThat(services(tenant)).as(tenant).noneMatch(s -> s.startsWith("d7-"));
      }
    }

    @Test
    void aProxysCommaJoinedHeaderIsRefusedToo() throws Exception {
      assertAmbiguous(server.post("/querier.v1.QuerierService/LabelValues", "application/json",
          "{\"name\":\"service_name\"}".getBytes(), H, "tenant-a, tenant-b"), true);
      assertAmbiguous(server.post("/ingest?name=d7-comma.cpu", "text/plain", "main 1\n".getBytes(),
          H, "tenant-a,tenant-b"), true);
    }

    @Test
    void theGrpcPortRefusesTwoDifferentMetadataEntries() throws Exception {
      Metadata md = new Metadata();
      md.put(Tenant.METADATA_KEY, "tenant-a");
      md.put(Tenant.METADATA_KEY, "tenant-b");
      StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
          () -> PusherServiceGrpc.newBlockingStub(server.grpcChannel())
              .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
              .push(PushRequest.parseFrom(push("d7-grpc"))));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).contains("\"tenant-a\" and \"tenant-b\"");
      assertThat(services("tenant-a")).doesNotContain("d7-grpc");
      assertThat(services("tenant-b")).doesNotContain("d7-grpc");
    }

    @Test
    void theSameTenantTwiceIsOne() throws Exception {
      HttpResponse<byte[]> r = server.post("/push.v1.PusherService/Push", "application/proto", push("d7-same"),
          H, "tenant-a", H, "tenant-a");
      assertThat(r.statusCode()).as(TestServer.text(r)).isEqualTo(200);
      assertThat(services("tenant-a")).contains("d7-same");
      assertThat(services("tenant-b")).doesNotContain("d7-same");
    }

    private void assertAmbiguous(HttpResponse<byte[]> r, boolean json) {
      String body = TestServer.text(r);
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      assertThat(body).contains("ambiguous tenant");
      if (json) {
        assertThat(body).contains("\"code\":\"invalid_argument\"").contains("\\\"tenant-a\\\" and \\\"tenant-b\\\"");
      } else {
        assertThat(body).contains("\"tenant-a\" and \"tenant-b\""); // OTLP errors are plain text
      }
    }

    private List<String> services(String tenant) throws Exception {
      return server.connect("/querier.v1.QuerierService/LabelValues", LabelValuesRequest.newBuilder()
          .setName("service_name").setStart(System.currentTimeMillis() - 3_600_000)
          .setEnd(System.currentTimeMillis() + 60_000).build(), LabelValuesResponse.parser(), H, tenant).getNamesList();
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class MultitenancyOff {
    private TestServer server;

    @BeforeAll
    void start() throws Exception {
      server = TestServer.start();
    }

    @AfterAll
    void stop() {
      server.close();
    }

    @Test
    void differingHeadersAreIgnoredAsPyroscopeDoes() throws Exception {
      HttpResponse<byte[]> r = server.post("/push.v1.PusherService/Push", "application/proto", push("d7-off"),
          H, "tenant-a", H, "tenant-b");
      assertThat(r.statusCode()).as(TestServer.text(r)).isEqualTo(200);
      HttpResponse<byte[]> ingest = server.post("/ingest?name=d7-off-ingest.cpu", "text/plain", "main 1\n".getBytes(),
          H, "tenant-a, tenant-b");
      assertThat(ingest.statusCode()).as(TestServer.text(ingest)).isEqualTo(200);
      // everything is the one anonymous tenant, whatever header a reader sends
      List<String> services = server.connect("/querier.v1.QuerierService/LabelValues", LabelValuesRequest.newBuilder()
          .setName("service_name").setStart(System.currentTimeMillis() - 3_600_000)
          .setEnd(System.currentTimeMillis() + 60_000).build(), LabelValuesResponse.parser(), H, "tenant-c").getNamesList();
      assertThat(services).contains("d7-off", "d7-off-ingest");
    }
  }

  private static byte[] push(String service) {
    byte[] pprof = Profile.newBuilder()
        .addStringTable("").addStringTable("cpu").addStringTable("nanoseconds").addStringTable("main")
        .addSampleType(ValueType.newBuilder().setType(1).setUnit(2))
        .setPeriodType(ValueType.newBuilder().setType(1).setUnit(2))
        .addFunction(Function.newBuilder().setId(1).setName(3))
        .addLocation(Location.newBuilder().setId(1).addLine(Line.newBuilder().setFunctionId(1)))
        .addSample(Sample.newBuilder().addLocationId(1).addValue(7))
        .setTimeNanos(System.currentTimeMillis() * 1_000_000L).build().toByteArray();
    return PushRequest.newBuilder().addSeries(RawProfileSeries.newBuilder()
        .addLabels(LabelPair.newBuilder().setName("__name__").setValue("process_cpu"))
        .addLabels(LabelPair.newBuilder().setName("service_name").setValue(service))
        .addSamples(RawSample.newBuilder().setRawProfile(ByteString.copyFrom(pprof)))).build().toByteArray();
  }
}
