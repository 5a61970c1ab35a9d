package io.flarestack.server;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.ingester.v1.IngesterServiceGrpc.IngesterServiceBlockingStub;
import io.flarestack.api.ingester.v1.IngesterServiceGrpc;
import io.flarestack.api.querier.v1.QuerierServiceGrpc.QuerierServiceBlockingStub;
import io.flarestack.api.querier.v1.QuerierServiceGrpc;
import io.flarestack.api.storegateway.v1.StoreGatewayServiceGrpc;
import io.flarestack.common.client.ClientPool;
import io.flarestack.common.edge.Server;
import io.flarestack.common.lifecycle.CompositeService;
import io.flarestack.common.lifecycle.Module;
import io.flarestack.common.lifecycle.ModuleGraph;
import io.flarestack.common.lifecycle.Service;
import io.flarestack.common.lifecycle.ServiceManager;
import io.flarestack.common.limits.TenantLimits;
import io.flarestack.common.ring.Lifecycler;
import io.flarestack.api.ring.v1.InstanceState;
import io.flarestack.api.storegateway.v1.StoreGatewayServiceGrpc.StoreGatewayServiceBlockingStub;
import io.flarestack.common.ring.LifecyclerConfig;
import io.flarestack.common.ring.RingConfig;
import io.flarestack.common.ring.RingFlags;
import io.flarestack.kv.memberlist.MemberlistConfig;
import io.flarestack.kv.memberlist.MemberlistKvStore;
import io.flarestack.server.cluster.ComponentRings;
import io.flarestack.server.cluster.Deferred;
import io.flarestack.server.cluster.IngesterLeave;
import io.flarestack.server.cluster.InstanceAddress;
import io.flarestack.server.cluster.KvStores;
import io.flarestack.server.cluster.OptionalRing;
import io.flarestack.server.cluster.RingBlockOwnership;
import io.flarestack.server.cluster.RingStoreGatewayClients;
import io.flarestack.server.status.MemberlistPage;
import io.flarestack.server.status.MemberlistStatus;
import java.nio.file.Path;
import io.flarestack.common.ring.Ring;
import io.flarestack.common.ring.kv.KvStore;
import io.flarestack.distributor.Distributor;
import io.flarestack.distributor.IngestGuards;
import io.flarestack.distributor.PushServiceImpl;
import io.flarestack.distributor.ingest.IngestHandler;
import io.flarestack.distributor.ingest.jfr.JfrConfig;
import io.flarestack.distributor.ingest.jfr.JfrIngest;
import io.flarestack.distributor.otlp.OtlpHttpHandler;
import io.flarestack.distributor.otlp.OtlpIngest;
import io.flarestack.distributor.otlp.ProfilesServiceImpl;
import io.flarestack.distributor.writepath.IngesterRouter;
import io.flarestack.distributor.writepath.IngesterShardingConfig;
import io.flarestack.distributor.writepath.RingIngesterWriter;
import io.flarestack.ingester.Ingester;
import io.flarestack.ingester.IngesterServiceImpl;
import io.flarestack.objstore.BucketConfig;
import io.flarestack.objstore.BucketFactory;
import io.flarestack.objstore.BucketHealth;
import io.flarestack.querier.Querier;
import io.flarestack.querier.QueryStoreAfter;
import io.flarestack.querier.ReplicatedRead;
import io.flarestack.querier.RingIngesterQueryClients;
import io.flarestack.querier.StoreGatewayQueryClients;
import io.flarestack.querier.admission.ConcurrencyLimiter;
import io.flarestack.querier.admission.QueryAdmission;
import io.flarestack.querier.api.ClientCapabilities;
import io.flarestack.querier.api.QuerierServiceImpl;
import io.flarestack.querier.http.LabelValuesHandler;
import io.flarestack.querier.http.RenderDiffHandler;
import io.flarestack.querier.http.RenderHandler;
import io.flarestack.querier.settings.SettingsServiceImpl;
import io.flarestack.querier.settings.VersionServiceImpl;
import io.flarestack.server.status.RingPage;
import io.flarestack.server.ui.UiAssets;
import io.flarestack.server.ui.UiRoutes;
import io.flarestack.storegateway.StoreGateway;
import io.flarestack.storegateway.StoreGatewayConfig;
import io.flarestack.storegateway.StoreGatewayServiceImpl;
import io.grpc.ServerInterceptors;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The composition root: one module per component, wired with plain constructors, in the manner
 * of Pyroscope's module manager. {@code -target} picks the modules; the graph adds what they
 * depend on, starts dependencies first and stops them last. In one process the components reach
 * each other through the same gRPC stubs they use across processes, over grpc-java's in-process
 * transport. Not thread-safe: start and stop from one thread.
 */
public final class Flarestack {
  private final FlarestackConfig config;
  private final PrometheusMeterRegistry registry;
  private final Clock clock;
  private final BuildInfo buildInfo;
  private final String inProcessName = "flarestack-" + UUID.randomUUID();
  private final ScheduledExecutorService background;
  private final ExecutorService fanout;
  private final ModuleGraph graph = new ModuleGraph();
  private final ServiceManager manager;

  // Created by the module factories, in dependency order.
  private Server server;
  private KvStores kvs;
  private KvStore kv;
  private Ring ingesterRing;
  private Ring storeGatewayRing;
  private BucketHealth storage;

  /** Internal: the store-gateway ring's read side, for the querier and the store-gateway's page. */
  private static final String STORE_GATEWAY_RING = "store-gateway-ring";

  public Flarestack(FlarestackConfig config, PrometheusMeterRegistry registry, Clock clock, BuildInfo buildInfo) {
    this.config = requireNonNull(config, "config is null");
    this.registry = requireNonNull(registry, "registry is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.buildInfo = requireNonNull(buildInfo, "buildInfo is null");
    this.background = Executors.newScheduledThreadPool(1, threads("flarestack-background"));
    this.fanout = Executors.newCachedThreadPool(threads("flarestack-fanout"));
    registerModules();
    this.manager = new ServiceManager(graph.resolve(config.targets()));
  }

  /** Builds and starts the services of the configured targets. */
  public void start() throws Exception {
    manager.start();
  }

  /** Stops every service, last started first; then the shared executors. */
  public void stop() {
    manager.stop();
    background.shutdownNow();
    fanout.shutdownNow();
    try {
      fanout.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The bound HTTP port (useful when configured as 0). */
  public int httpPort() {
    return server.httpPort();
  }

  public int grpcPort() {
    return server.grpcPort();
  }

  ServiceManager services() {
    return manager;
  }

  private void registerModules() {
    TenantLimits limits = TenantLimits.fixed(config.limits());
    boolean multitenancy = config.server().multitenancyEnabled();

    graph.register(new Module(Targets.SERVER, List.of(), false, () -> {
      server = new Server(config.server(), registry, inProcessName);
      new OpsRoutes(config, registry, buildInfo, manager).register(server);
      return server;
    }));

    // The KV stores every ring of this process uses; a networked one joins its cluster (and pulls
    // the rings' state) before any ring or lifecycler starts.
    graph.register(new Module(Targets.KV, List.of(Targets.SERVER), false, () -> {
      kvs = new KvStores(config.values(), clock, registry);
      kv = kvs.forRing(config.ingesterRing().store());
      for (RingFlags ring : ComponentRings.all()) {
        kvs.forRing(config.values().get(ring.store()));
      }
      MemberlistKvStore memberlist = kvs.memberlist();
      if (memberlist != null) {
        new MemberlistPage(memberlistStatus(memberlist), clock).register(server);
      }
      List<Service> stores = kvs.services();
      return stores.isEmpty() ? null : new CompositeService("kv-stores", stores);
    }));

    graph.register(new Module(Targets.RING, List.of(Targets.SERVER, Targets.KV), false, () -> {
      ingesterRing = new Ring(config.ingesterRing().ringConfig(), kv, clock, registry);
      // The ring page lives where the ring does; other rings add theirs the same way.
      new RingPage(ingesterRing, clock).register(server, "/ring", "/ingester/ring");
      return ingesterRing;
    }));

    graph.register(new Module(Targets.STORAGE, List.of(), false, () -> {
      try {
        Map<String, String> env = System.getenv();
        storage = new BucketHealth(BucketFactory.create(BucketConfig.from(config.values(), env), env, registry),
            background, Duration.ofSeconds(15));
      } catch (IOException e) {
        throw new UncheckedIOException("object storage cannot be set up: " + e.getMessage(), e);
      }
      return storage;
    }));

    // The store-gateway ring is read by a stopping ingester, which hands its blocks over to the
    // store-gateways before it leaves.
    graph.register(new Module(Targets.INGESTER, List.of(Targets.SERVER, Targets.KV, Targets.STORAGE,
        STORE_GATEWAY_RING), true, () -> {
      Ingester ingester = new Ingester(config.ingester(), storage.bucket(), clock, registry);
      server.addService(new IngesterServiceImpl(ingester));
      IngesterRingConfig ring = config.ingesterRing();
      List<Service> parts = new ArrayList<>();
      IngesterLeave.StoreGateways handOver = null;
      if (!kvs.effective(ring.store()).equals(RingFlags.STORE_INMEMORY)) {
        ClientPool<StoreGatewayServiceBlockingStub> gatewayClients = new ClientPool<>("store-gateway-client",
            StoreGatewayServiceGrpc::newBlockingStub, config.server().grpcMaxRecvMsgSize(), registry,
            "pyroscope_ingester_storegateway_clients",
            "The current number of store-gateway clients in the ingester's pool.");
        parts.add(gatewayClients);
        handOver = new IngesterLeave.StoreGateways(storeGatewayRing, gatewayClients, ring.leaveStoreGatewayTimeout());
      }
      IngesterLeave leave = new IngesterLeave(ingester, handOver, ring.leaveGracePeriod(), registry);
      // Joins the ring only after the ingester runs; on stop it turns LEAVING, flushes and hands
      // its blocks over (IngesterLeave), leaves, answers queries a while more, and only then the
      // ingester stops. Built at start, when the gRPC port it advertises is bound.
      Deferred<Lifecycler> lifecycler = new Deferred<>("ingester-lifecycler", () -> new Lifecycler(
          ring.lifecyclerConfig(hostName(), ingesterAddress()), kv, clock, background, new SecureRandom(),
          leave::beforeLeaving));
      parts.addAll(List.of(ingester, leave, lifecycler));
      return new CompositeService(Targets.INGESTER, parts);
    }));

    graph.register(new Module(Targets.STORE_GATEWAY, List.of(Targets.SERVER, Targets.KV, Targets.STORAGE,
        STORE_GATEWAY_RING), true, () -> {
      RingFlags.Settings ring = ComponentRings.STORE_GATEWAY.from(config.values());
      StoreGateway gateway = new StoreGateway(StoreGatewayConfig.from(config.values()), storage.bucket(), clock,
          registry, new RingBlockOwnership(storeGatewayRing, ring.instanceId().isEmpty() ? hostName() : ring.instanceId()));
      server.addService(new StoreGatewayServiceImpl(gateway));
      // Registers once the gateway's first bucket sync is done (the composite starts it first).
      String tokensFile = config.values().get(ComponentRings.STORE_GATEWAY_TOKENS_FILE);
      KvStore gatewayKv = kvs.forRing(ring.store());
      Deferred<Lifecycler> lifecycler = new Deferred<>("store-gateway-lifecycler", () -> new Lifecycler(
          componentLifecycler(ring, ComponentRings.STORE_GATEWAY_KEY, ComponentRings.STORE_GATEWAY_TOKENS,
              ComponentRings.FORGET_AFTER_TIMEOUTS)
              .withTokensFile(tokensFile.isEmpty() ? null : Path.of(tokensFile)),
          gatewayKv, clock, background, new SecureRandom()));
      return new CompositeService(Targets.STORE_GATEWAY, List.of(gateway, lifecycler));
    }));

    graph.register(new Module(STORE_GATEWAY_RING, List.of(Targets.SERVER, Targets.KV), false, () -> {
      RingFlags.Settings ring = ComponentRings.STORE_GATEWAY.from(config.values());
      storeGatewayRing = new Ring(ComponentRings.storeGatewayRing(config.values()), kvs.forRing(ring.store()), clock,
          registry);
      new RingPage(storeGatewayRing, clock).register(server, "/store-gateway/ring");
      return new OptionalRing(storeGatewayRing);
    }));

    graph.register(new Module(Targets.DISTRIBUTOR, List.of(Targets.SERVER, Targets.RING), true, () -> {
      ClientPool<IngesterServiceBlockingStub> clients = ingesterClients("pyroscope_distributor_ingester_clients",
          "The current number of ingester clients in the distributor's pool.");
      // The distributor ring counts the healthy distributors that share each tenant's rate.
      RingFlags.Settings ringSettings = ComponentRings.DISTRIBUTOR.from(config.values());
      KvStore distributorKv = kvs.forRing(ringSettings.store());
      Ring distributorRing = new Ring(new RingConfig("distributor", ComponentRings.DISTRIBUTOR_KEY, 1,
          ringSettings.heartbeatTimeout()), distributorKv, clock, registry);
      new RingPage(distributorRing, clock).register(server, "/distributor/ring");
      Deferred<Lifecycler> distributorLifecycler = new Deferred<>("distributor-lifecycler", () -> new Lifecycler(
          componentLifecycler(ringSettings, ComponentRings.DISTRIBUTOR_KEY, ComponentRings.DISTRIBUTOR_TOKENS,
              ComponentRings.FORGET_AFTER_TIMEOUTS),
          distributorKv, clock, background, new SecureRandom()));
      IngesterRouter router = new IngesterRouter(ingesterRing, IngesterShardingConfig.from(config.values()), limits,
          clock, distributorRing::healthyInstanceCount);
      Distributor distributor = new Distributor(config.distributor(), limits,
          new RingIngesterWriter(router, clients, fanout), clock, background, registry,
          distributorRing::healthyInstanceCount);
      IngestGuards guards = new IngestGuards(config.distributor());
      guards.registerWith(server.requestGuards());
      server.addService(new PushServiceImpl(distributor));
      JfrIngest jfr = new JfrIngest(distributor, JfrConfig.from(config.values()), registry);
      IngestHandler ingest = new IngestHandler(distributor, multitenancy, clock, limits, jfr);
      server.addRoute("POST", "/ingest", ingest);
      server.addRoute("POST", "/pyroscope/ingest", ingest);
      OtlpIngest otlp = new OtlpIngest(distributor, clock);
      server.addService(new ProfilesServiceImpl(otlp));
      server.addRoute("POST", "/v1development/profiles", new OtlpHttpHandler(otlp, multitenancy, limits, guards.otlp()));
      return new CompositeService(Targets.DISTRIBUTOR, List.of(distributorRing, clients, distributor,
          distributorLifecycler));
    }));

    graph.register(new Module(Targets.UI, List.of(Targets.SERVER), false, () -> {
      new UiRoutes(new UiAssets(Flarestack.class.getClassLoader(), UiAssets.DEFAULT_PREFIX, "/")).register(server);
      return null;
    }));

    graph.register(new Module(Targets.QUERIER, List.of(Targets.SERVER, Targets.RING, STORE_GATEWAY_RING, Targets.UI),
        true, () -> {
      ClientPool<IngesterServiceBlockingStub> clients = ingesterClients("pyroscope_querier_ingester_clients",
          "The current number of ingester clients in the querier's pool.");
      ClientPool<StoreGatewayServiceBlockingStub> gatewayClients = new ClientPool<>("store-gateway-client",
          StoreGatewayServiceGrpc::newBlockingStub, config.server().grpcMaxRecvMsgSize(), registry,
          "pyroscope_querier_storegateway_clients", "The current number of store-gateway clients in the querier's pool.");
      StoreGatewayQueryClients storeGateways = new RingStoreGatewayClients(storeGatewayRing, gatewayClients);
      Querier querier = new Querier(new RingIngesterQueryClients(ingesterRing, clients), storeGateways,
          new QueryStoreAfter(config.values().get(QueryStoreAfter.OPTION), clock),
          config.values().get(ReplicatedRead.MAX_PROFILE_KEYS), fanout);
      // Every Querier API call and legacy query request gets a deadline and one of the query slots.
      QueryAdmission admission = new QueryAdmission(config.querier(),
          new ConcurrencyLimiter(config.querier(), registry), background, registry);
      server.addService(ServerInterceptors.intercept(new QuerierServiceImpl(querier, limits, clock),
          new ClientCapabilities(), admission.interceptor()));
      server.addService(new VersionServiceImpl());
      QuerierServiceBlockingStub self = QuerierServiceGrpc.newBlockingStub(server.inProcessChannel())
          .withInterceptors(admission.admittedCalls());
      server.addRoute("GET", "/pyroscope/render", admission.legacy(new RenderHandler(self, multitenancy, clock)));
      server.addRoute("GET", "/pyroscope/render-diff", admission.legacy(new RenderDiffHandler(self, multitenancy, clock)));
      server.addRoute("GET", "/pyroscope/label-values", admission.legacy(new LabelValuesHandler(self, multitenancy, clock)));
      return new CompositeService(Targets.QUERIER, List.of(clients, gatewayClients, querier));
    }));

    graph.register(new Module(Targets.TENANT_SETTINGS, List.of(Targets.SERVER), true, () -> {
      server.addService(new SettingsServiceImpl(clock));
      return null;
    }));

    // The compactor and the query-scheduler are their ring membership only today: each joins its
    // ring ACTIVE, so /ready waits for it, and leaves on shutdown. Their work comes later.
    graph.register(new Module(Targets.COMPACTOR, List.of(Targets.SERVER, Targets.KV), true, () ->
        ringMember(ComponentRings.COMPACTOR, "compactor", ComponentRings.COMPACTOR_KEY, ComponentRings.COMPACTOR_TOKENS,
            ComponentRings.FORGET_AFTER_TIMEOUTS, "Compactor is not running yet.", "/compactor/ring")));

    // Pyroscope serves no page for this ring; Flarestack does, under the path the issue names.
    graph.register(new Module(Targets.QUERY_SCHEDULER, List.of(Targets.SERVER, Targets.KV), true, () ->
        ringMember(ComponentRings.QUERY_SCHEDULER, "query-scheduler", ComponentRings.QUERY_SCHEDULER_KEY,
            ComponentRings.QUERY_SCHEDULER_TOKENS, ComponentRings.SCHEDULER_FORGET_AFTER_TIMEOUTS,
            "Query-scheduler is not running yet.", "/scheduler/ring")));

    List<String> inAll = new ArrayList<>(Targets.IN_ALL);
    graph.register(new Module(Targets.ALL, inAll, true, () -> null));
  }

  private ClientPool<IngesterServiceBlockingStub> ingesterClients(String metric, String description) {
    return new ClientPool<>("ingester-client", IngesterServiceGrpc::newBlockingStub,
        config.server().grpcMaxRecvMsgSize(), registry, metric, description);
  }

  /**
   * Where others reach this ingester. With the in-memory KV store every ring member lives in
   * this process, so the in-process transport serves; a shared KV store advertises the gRPC port.
   */
  private String ingesterAddress() {
    return ringAddress(config.ingesterRing().store(), config.ingesterRing().instanceAddr());
  }

  /**
   * Where others reach this process's gRPC server through a ring: in-process when the ring's KV
   * store lives in this process only, else the advertised host ({@link InstanceAddress}) and the
   * bound gRPC port.
   */
  private String ringAddress(String store, String instanceAddr) {
    if (kvs.effective(store).equals(RingFlags.STORE_INMEMORY)) {
      return ClientPool.IN_PROCESS_PREFIX + inProcessName;
    }
    String host = InstanceAddress.host(instanceAddr, config.values().get(MemberlistConfig.ADVERTISE_ADDR),
        firstOrEmpty(config.values().get(MemberlistConfig.BIND_ADDR)), InstanceAddress.localInterfaceAddresses());
    return InstanceAddress.hostPort(host, server.grpcPort());
  }

  private static String firstOrEmpty(List<String> values) {
    return values.isEmpty() ? "" : values.get(0);
  }

  /**
   * A component that is, for now, only its membership of its own ring: the ring's read side (for
   * its page) and a lifecycler that registers ACTIVE once the gRPC port is bound and leaves on
   * stop. The page answers {@code notRunning} until the component runs.
   */
  private Service ringMember(RingFlags flags, String name, String key, int tokens, int forgetAfterTimeouts,
      String notRunning, String page) {
    RingFlags.Settings settings = flags.from(config.values());
    KvStore store = kvs.forRing(settings.store());
    Ring ring = new Ring(new RingConfig(name, key, 1, settings.heartbeatTimeout()), store, clock, registry);
    Deferred<Lifecycler> lifecycler = new Deferred<>(name + "-lifecycler", () -> new Lifecycler(
        componentLifecycler(settings, key, tokens, forgetAfterTimeouts), store, clock, background, new SecureRandom()));
    CompositeService member = new CompositeService(name, List.of(ring, lifecycler));
    new RingPage(ring, clock).registerWhileRunning(server, member, notRunning, page);
    return member;
  }

  /** A lifecycler for one of the component rings: ACTIVE on start, auto-forgetting stale peers. */
  private LifecyclerConfig componentLifecycler(RingFlags.Settings ring, String key, int tokens,
      int forgetAfterTimeouts) {
    String id = ring.instanceId().isEmpty() ? hostName() : ring.instanceId();
    return LifecyclerConfig.defaults(key, id, ringAddress(ring.store(), ring.instanceAddr()))
        .withZone(ring.zone()).withNumTokens(tokens).withHeartbeatPeriod(ring.heartbeatPeriod())
        .withHeartbeatTimeout(ring.heartbeatTimeout()).withInitialState(InstanceState.ACTIVE)
        .withAutoForgetPeriod(ring.heartbeatTimeout().multipliedBy(forgetAfterTimeouts));
  }

  private static MemberlistStatus memberlistStatus(MemberlistKvStore kv) {
    return new MemberlistStatus() {
      @Override
      public List<MemberlistStatus.Member> members() {
        return kv.members().stream().map(m -> new MemberlistStatus.Member(m.name(), m.address(), m.state())).toList();
      }

      @Override
      public List<MemberlistStatus.Key> keys() {
        return kv.keys().stream()
            .map(k -> new MemberlistStatus.Key(k.key(), k.version(), k.sizeBytes(), k.updated())).toList();
      }
    };
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The services that run, for tests and {@code /ready}. */
  List<Service> runningServices() {
    return manager.services();
  }
}
