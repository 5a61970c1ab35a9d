package io.flarestack.common.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.api.version.v1.VersionGrpc;
import io.flarestack.api.version.v1.VersionRequest;
import io.flarestack.api.version.v1.VersionResponse;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.tenant.Tenant;
import io.flarestack.common.tenant.TenantServerInterceptor;
import io.grpc.Context;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClientPoolTest {
  private static final VersionRequest REQUEST = VersionRequest.getDefaultInstance();

  private final RecordingVersionService service = new RecordingVersionService();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<Server> servers = new CopyOnWriteArrayList<>();
  private ClientPool<VersionGrpc.VersionBlockingStub> pool;

  @AfterEach
  void tearDown() throws InterruptedException {
    if (pool != null) {
      pool.stop();
    }
    for (Server s : servers) {
      s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void forwardsTheCallersTenantOverTheInProcessTransport() throws Exception {
    String address = "inprocess:" + startInProcessServer();
    startPool(ClientPool.DEFAULT_MAX_INBOUND_MESSAGE_SIZE);

    VersionResponse response = Context.current().withValue(Tenant.CONTEXT_KEY, "tenant-a")
        .call(() -> pool.get(address).version(REQUEST));

    assertThat(response.getQuerierAPI()).isEqualTo(1);
    assertThat(service.tenants).containsExactly("tenant-a");
  }

  @Test
  void callWithoutATenantIsRejectedByTheServer() throws Exception {
    String address = "inprocess:" + startInProcessServer();
    startPool(ClientPool.DEFAULT_MAX_INBOUND_MESSAGE_SIZE);

    assertThatThrownBy(() -> pool.get(address).version(REQUEST))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    assertThat(service.tenants).isEmpty();
  }

  @Test
  void reusesOneClientPerAddressAndCountsThem() throws Exception {
    String first = "inprocess:" + startInProcessServer();
    String second = "inprocess:" + startInProcessServer();
    startPool(ClientPool.DEFAULT_MAX_INBOUND_MESSAGE_SIZE);

    VersionGrpc.VersionBlockingStub stub = pool.get(first);

    assertThat(pool.get(first)).isSameAs(stub);
    assertThat(pool.get(second)).isNotSameAs(stub);
    assertThat(pool.addresses()).containsExactlyInAnyOrder(first, second);
    assertThat(registry.scrape()).contains(
        "# HELP pyroscope_distributor_ingester_clients The current number of ingester clients.\n",
        "# TYPE pyroscope_distributor_ingester_clients gauge\n",
        "pyroscope_distributor_ingester_clients 2.0\n");

    pool.remove(first);

    assertThat(pool.addresses()).containsExactly(second);
    assertThat(registry.scrape()).contains("pyroscope_distributor_ingester_clients 1.0\n");
    assertThat(pool.get(first)).isNotSameAs(stub);
  }

  @Test
  void stopClosesEveryChannel() throws Exception {
    String address = "inprocess:" + startInProcessServer();
    startPool(ClientPool.DEFAULT_MAX_INBOUND_MESSAGE_SIZE);
    VersionGrpc.VersionBlockingStub stub = pool.get(address);
    Context.current().withValue(Tenant.CONTEXT_KEY, "t").call(() -> stub.version(REQUEST));

    pool.stop();

    assertThatThrownBy(() -> Context.current().withValue(Tenant.CONTEXT_KEY, "t").call(() -> stub.version(REQUEST)))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThatThrownBy(() -> pool.get(address))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .hasMessageContaining("is TERMINATED");
    assertThat(pool.addresses()).isEmpty();
    assertThat(registry.scrape()).doesNotContain("pyroscope_distributor_ingester_clients");
  }

  @Test
  void notRunningBeforeStart() {
    pool = newPool(ClientPool.DEFAULT_MAX_INBOUND_MESSAGE_SIZE);

    assertThatThrownBy(() -> pool.get("inprocess:x")).hasMessageContaining("is NEW");
  }

  @Test
  void talksToANettyServerOverTheNetwork() throws Exception {
    int port = startNettyServer();
    startPool(ClientPool.DEFAULT_MAX_INBOUND_MESSAGE_SIZE);

    VersionResponse response = Context.current().withValue(Tenant.CONTEXT_KEY, "tenant-b")
        .call(() -> pool.get("127.0.0.1:" + port).version(REQUEST));

    assertThat(response.getQuerierAPI()).isEqualTo(1);
    assertThat(service.tenants).containsExactly("tenant-b");
  }

  @Test
  void appliesTheMaxInboundMessageSize() throws Exception {
    int port = startNettyServer();
    startPool(1); // the response (QuerierAPI=1) takes 2 bytes

    assertThatThrownBy(() -> Context.current().withValue(Tenant.CONTEXT_KEY, "t")
        .call(() -> pool.get("127.0.0.1:" + port).version(REQUEST)))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
  }

  private void startPool(int maxInboundMessageSize) throws Exception {
    pool = newPool(maxInboundMessageSize);
    pool.start();
  }

  private ClientPool<VersionGrpc.VersionBlockingStub> newPool(int maxInboundMessageSize) {
    return new ClientPool<>("ingester-client-pool", VersionGrpc::newBlockingStub, maxInboundMessageSize, registry,
        "pyroscope.distributor.ingester.clients", "The current number of ingester clients.");
  }

  private String startInProcessServer() throws Exception {
    String name = "client-pool-test-" + UUID.randomUUID();
    servers.add(InProcessServerBuilder.forName(name)
        .addService(ServerInterceptors.intercept(service, new TenantServerInterceptor(true)))
        .build()
        .start());
    return name;
  }

  private int startNettyServer() throws Exception {
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(service, new TenantServerInterceptor(true)))
        .build()
        .start();
    servers.add(server);
    return server.getPort();
  }

  /** Answers QuerierAPI=1 and records the tenant each call carried. */
  private static final class RecordingVersionService extends VersionGrpc.VersionImplBase {
    final List<String> tenants = new CopyOnWriteArrayList<>();

    @Override
    public void version(VersionRequest request, StreamObserver<VersionResponse> responseObserver) {
      tenants.add(Tenant.current());
      responseObserver.onNext(VersionResponse.newBuilder().setQuerierAPI(1).build());
      responseObserver.onCompleted();
    }
  }
}
