package io.flarestack.distributor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.PusherServiceGrpc;
import io.flarestack.common.limits.Limits;
import io.flarestack.common.limits.TenantLimits;
import io.flarestack.common.tenant.Tenant;
import io.flarestack.common.tenant.TenantServerInterceptor;
import io.flarestack.common.testing.ManualClock;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.distributor.testing.Pushes;
import io.flarestack.distributor.testing.RecordingWriter;
import io.flarestack.distributor.testing.TestScheduler;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gRPC binding over a real in-process server with the tenant interceptor. */
class PushServiceImplTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-24T01:00:00Z"));
  private final RecordingWriter writer = new RecordingWriter();
  private Distributor distributor;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    distributor = new Distributor(DistributorConfig.defaults(), TenantLimits.fixed(Limits.defaults()), writer, clock,
        TestScheduler.INSTANCE, new SimpleMeterRegistry());
    distributor.start();
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(ServerInterceptors.intercept(new PushServiceImpl(distributor), new TenantServerInterceptor(true)))
        .build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
    distributor.stop();
  }

  private PusherServiceGrpc.PusherServiceBlockingStub stub(String tenant) {
    Metadata headers = new Metadata();
    if (tenant != null) {
      headers.put(Tenant.METADATA_KEY, tenant);
    }
    return PusherServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private PushRequest cpu(byte[] body) {
    return Pushes.request(Pushes.labels("__name__", "process_cpu", "service_name", "svc"), body);
  }

  @Test
  void pushesForTheCallersTenant() {
    byte[] raw = PprofFacts.withTime(SharedTestData.bytes("go/cpu-short.pb.gz"), clock.nanos());

    stub("team-a").push(cpu(raw));

    assertThat(writer.writes()).hasSize(1);
    assertThat(writer.writes().get(0).tenant()).isEqualTo("team-a");
  }

  @Test
  void badInputIsInvalidArgument() {
    assertThatThrownBy(() -> stub("team-a").push(cpu(SharedTestData.bytes("pprof/og-convert-pprof/invalid_utf8.pb.gz"))))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("not valid UTF-8");
        });
    assertThat(writer.writes()).isEmpty();
  }

  @Test
  void missingTenantIsUnauthenticated() {
    assertThatThrownBy(() -> stub(null).push(cpu(new byte[0])))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
  }
}
