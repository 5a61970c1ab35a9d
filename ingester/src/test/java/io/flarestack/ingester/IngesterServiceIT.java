package io.flarestack.ingester;

import static io.flarestack.ingester.testing.Requests.select;
import static io.flarestack.ingester.testing.Requests.series;
import static io.flarestack.ingester.testing.Requests.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.ingester.v1.IngesterServiceGrpc;
import io.flarestack.api.ingester.v1.PushRequest;
import io.flarestack.api.querier.v1.ProfileTypesRequest;
import io.flarestack.api.querier.v1.SeriesRequest;
import io.flarestack.api.types.v1.GetProfileStatsRequest;
import io.flarestack.api.types.v1.LabelNamesRequest;
import io.flarestack.api.types.v1.LabelValuesRequest;
import io.flarestack.common.model.Labels;
import io.flarestack.common.tenant.Tenant;
import io.flarestack.common.tenant.TenantServerInterceptor;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.common.testing.TreeFacts;
import io.flarestack.ingester.testing.Requests;
import io.flarestack.ingester.testing.TestPprof;
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
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingester's gRPC service through a real in-process server with tenant resolution. */
class IngesterServiceIT {
  private static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
  private Ingester ingester;
  private Server server;
  private ManagedChannel channel;

  @TempDir
  Path dataDir;

  @BeforeEach
  void start() throws Exception {
    ingester = new Ingester(IngesterConfig.defaults(dataDir), new SimpleMeterRegistry());
    ingester.start();
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(ServerInterceptors.intercept(new IngesterServiceImpl(ingester), new TenantServerInterceptor(true)))
        .build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    ingester.stop();
  }

  private IngesterServiceGrpc.IngesterServiceBlockingStub client(String tenant) {
    Metadata headers = new Metadata();
    headers.put(Tenant.METADATA_KEY, tenant);
    return IngesterServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  @Test
  void tenantsAreIsolated() {
    Profile java = SharedTestData.pprof("java/cpu.pb.gz");
    client("team-a").push(Requests.push(series(Labels.of("__name__", "process_cpu", "service_name", "java-app"), java)));
    Profile small = TestPprof.cpu().timeMillis(5000).sample(42, "main", "work").build();
    client("team-b").push(Requests.push(series(Labels.of("__name__", "process_cpu", "service_name", "b-app"), small)));

    long a = TreeFacts.total(client("team-a").mergeTree(tree(select("{}", CPU, 0, Long.MAX_VALUE), 0)).getTree());
    long b = TreeFacts.total(client("team-b").mergeTree(tree(select("{}", CPU, 0, Long.MAX_VALUE), 0)).getTree());
    assertThat(a).isEqualTo(PprofFacts.total(java, 0));
    assertThat(b).isEqualTo(42);

    assertThat(client("team-a").labelValues(LabelValuesRequest.newBuilder().setName("service_name").build())
        .getNamesList()).containsExactly("java-app");
    assertThat(client("team-b").labelValues(LabelValuesRequest.newBuilder().setName("service_name").build())
        .getNamesList()).containsExactly("b-app");
    assertThat(client("team-c").labelNames(LabelNamesRequest.getDefaultInstance()).getNamesList()).isEmpty();
    assertThat(client("team-c").getProfileStats(GetProfileStatsRequest.getDefaultInstance()).getDataIngested()).isFalse();
    assertThat(client("team-b").getProfileStats(GetProfileStatsRequest.getDefaultInstance()).getNewestProfileTime())
        .isEqualTo(5000);
    assertThat(client("team-c").mergeTree(tree(select("{}", CPU, 0, Long.MAX_VALUE), 0)).getTree().getSelfList())
        .containsOnly(0L);
    assertThat(ingester.head().tenants()).containsExactly("team-a", "team-b");
  }

  @Test
  void everyReadMethodAnswers() {
    Profile p = TestPprof.cpu().timeMillis(2000).sample(5, "main", "a").sample(7, "main", "b").build();
    var c = client("t");
    c.push(Requests.push(series(Labels.of("__name__", "process_cpu", "service_name", "svc"), p)));

    assertThat(c.profileTypes(ProfileTypesRequest.getDefaultInstance()).getProfileTypes(0).getID()).isEqualTo(CPU);
    assertThat(c.labelNames(LabelNamesRequest.getDefaultInstance()).getNamesList()).contains("service_name");
    assertThat(c.series(SeriesRequest.newBuilder().addLabelNames("service_name").build()).getLabelsSetCount()).isEqualTo(1);
    assertThat(PprofFacts.total(c.mergePprof(Requests.pprof(select("{}", CPU, 0, 5000), 0)), 0)).isEqualTo(12);
    assertThat(c.selectSeries(Requests.series(select("{}", CPU, 2000, 2000), 1000)).getSeries(0).getPoints(0).getSum())
        .isEqualTo(12.0);
  }

  @Test
  void errorsMapToStatuses() {
    var c = client("t");
    assertStatus(() -> c.mergeTree(tree(select("{service_name=", CPU, 0, 1), 0)), Status.Code.INVALID_ARGUMENT);
    assertStatus(() -> c.mergeTree(tree(select("{}", CPU, 0, 1).addSpanSelector("nope"), 0)),
        Status.Code.INVALID_ARGUMENT);
    assertStatus(() -> c.labelValues(LabelValuesRequest.getDefaultInstance()), Status.Code.INVALID_ARGUMENT);

    Profile bad = TestPprof.cpu().timeMillis(1000).sample(1, "main").build();
    bad = bad.toBuilder().setSample(0, bad.getSample(0).toBuilder().setLocationId(0, 77)).build();
    PushRequest badPush = Requests.push(series(Labels.of("__name__", "process_cpu", "service_name", "svc"), bad));
    assertStatus(() -> c.push(badPush), Status.Code.INVALID_ARGUMENT);
    assertThat(c.labelNames(LabelNamesRequest.getDefaultInstance()).getNamesList()).isEmpty();

    assertStatus(() -> IngesterServiceGrpc.newBlockingStub(channel).labelNames(LabelNamesRequest.getDefaultInstance()),
        Status.Code.UNAUTHENTICATED);
  }

  @Test
  void aStoppedIngesterIsUnavailable() {
    ingester.stop();
    assertStatus(() -> client("t").push(PushRequest.getDefaultInstance()), Status.Code.UNAVAILABLE);
  }

  private static void assertStatus(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Status.Code code) {
    assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
  }
}
