package io.flarestack.common.edge;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.edge.connect.RpcRoutes;
import io.flarestack.common.edge.grpc.ConnectionCountingFilter;
import io.flarestack.common.edge.grpc.GrpcMetricsInterceptor;
import io.flarestack.common.edge.grpc.GuardedRegistry;
import io.flarestack.common.edge.grpc.SendSizeLimitInterceptor;
import io.flarestack.common.edge.http.Dispatcher;
import io.flarestack.common.edge.http.HttpHandler;
import io.flarestack.common.edge.http.RouteHandler;
import io.flarestack.common.edge.http.Router;
import io.flarestack.common.edge.metrics.RequestMetrics;
import io.flarestack.common.edge.netty.HttpTransport;
import io.flarestack.common.io.MemoryBudget;
import io.flarestack.common.io.RequestGuards;
import io.flarestack.common.lifecycle.AbstractService;
import io.flarestack.common.tenant.TenantClientInterceptor;
import io.flarestack.common.tenant.TenantServerInterceptor;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.util.MutableHandlerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge: the HTTP port (HTTP/1.1 and h2c; Connect and gRPC for every registered
 * service, plus plain routes), the gRPC port, and an in-process gRPC server, all serving the same
 * service implementations through the same tenant interceptor. See the package documentation for
 * the thread model.
 *
 * <p>Services and routes may be added before or after {@link #start()}. Thread-safe.
 */
public final class Server extends AbstractService {
  private static final Logger log = LoggerFactory.getLogger(Server.class);
  /** Handler threads: handlers may block (queries, pushes to ingesters), so there are many. */
  static final int WORKER_THREADS = 200;
  /** Requests waiting for a handler thread beyond which the server answers 503. */
  static final int WORKER_QUEUE = 10_000;

  private final ServerConfig config;
  private final String inProcessName;
  private final RequestMetrics metrics;
  private final MutableHandlerRegistry registry = new MutableHandlerRegistry();
  private final TenantServerInterceptor tenantInterceptor;
  private final HealthStatusManager health = new HealthStatusManager();
  private final Router router;
  private final MemoryBudget memory;
  private final RequestGuards guards = new RequestGuards();

  private volatile RpcRoutes rpcRoutes;
  private EventLoopGroup acceptors;
  private EventLoopGroup ioLoops;
  private ThreadPoolExecutor handlers;
  private ExecutorService grpcExecutor;
  private ScheduledThreadPoolExecutor deadlines;
  private HttpTransport http;
  private io.grpc.Server grpc;
  private io.grpc.Server inProcess;
  private ManagedChannel channel; // guarded by this
  private boolean channelClosed; // guarded by this

  /**
   * Creates a stopped server; no sockets or threads until {@link #start()}.
   *
   * @param inProcessName the name of the in-process gRPC server (unique per JVM)
   */
  public Server(ServerConfig config, MeterRegistry registry, String inProcessName) {
    super("server");
    this.config = requireNonNull(config, "config is null");
    this.metrics = new RequestMetrics(requireNonNull(registry, "registry is null"));
    this.inProcessName = requireNonNull(inProcessName, "inProcessName is null");
    this.tenantInterceptor = new TenantServerInterceptor(config.multitenancyEnabled());
    this.router = new Router(path -> {
      RpcRoutes routes = rpcRoutes;
      return routes == null ? null : routes.lookup(path);
    });
    this.registry.addService(ServerInterceptors.intercept(health.getHealthService(), tenantInterceptor));
    this.memory = new MemoryBudget(config.effectiveMaxInflightRequestBytes());
    metrics.inflightRequestBytes(memory);
  }

  /**
   * The decoding guards of request messages: a component registers the guard of its request types
   * (with their limits) here; every other type gets a guard without field limits.
   */
  public RequestGuards requestGuards() {
    return guards;
  }

  /** The heap requests in flight may hold together ({@code -server.max-inflight-request-bytes}). */
  public MemoryBudget requestMemory() {
    return memory;
  }

  /** Serves a gRPC service on the gRPC port, in process, and over Connect/gRPC on the HTTP port. */
  public void addService(BindableService service) {
    addService(requireNonNull(service, "service is null").bindService());
  }

  /**
   * Serves a gRPC service on the gRPC port, in process, and over Connect/gRPC on the HTTP port
   * (Connect for unary methods only). Its health status becomes SERVING. A service of the same
   * name replaces the earlier one.
   */
  public void addService(ServerServiceDefinition definition) {
    requireNonNull(definition, "definition is null");
    registry.addService(ServerInterceptors.intercept(definition, tenantInterceptor));
    health.setStatus(definition.getServiceDescriptor().getName(), ServingStatus.SERVING);
  }

  /**
   * Routes an exact path to a handler.
   *
   * @throws IllegalArgumentException when the method and path are routed already, or the path
   *     does not start with {@code /}
   */
  public void addRoute(String method, String path, HttpHandler handler) {
    router.add(method, path, RouteHandler.of(requireNonNull(handler, "handler is null")));
  }

  /**
   * Routes every path starting with {@code pathPrefix} to a handler; the longest prefix wins, and
   * exact routes and RPC paths come first.
   *
   * @throws IllegalArgumentException when the method and prefix are routed already
   */
  public void addPrefixRoute(String method, String pathPrefix, HttpHandler handler) {
    router.addPrefix(method, pathPrefix, RouteHandler.of(requireNonNull(handler, "handler is null")));
  }

  /**
   * The channel to the in-process server, carrying the current call's tenant
   * ({@link TenantClientInterceptor}). One channel, created on first use, shut down on stop;
   * after stop the channel returned is shut down.
   */
  public synchronized ManagedChannel inProcessChannel() {
    if (channel == null) {
      channel = InProcessChannelBuilder.forName(inProcessName).intercept(new TenantClientInterceptor()).build();
      if (channelClosed) {
        channel.shutdownNow();
      }
    }
    return channel;
  }

  /** The bound HTTP port; -1 before start. */
  public int httpPort() {
    HttpTransport t = http;
    return t == null ? -1 : t.port();
  }

  /** The bound gRPC port; -1 before start. */
  public int grpcPort() {
    io.grpc.Server s = grpc;
    return s == null ? -1 : s.getPort();
  }

  public boolean multitenancyEnabled() {
    return config.multitenancyEnabled();
  }

  @Override
  protected void doStart() throws Exception {
    acceptors = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("flarestack-accept", true),
        NioIoHandler.newFactory());
    ioLoops = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("flarestack-io", true),
        NioIoHandler.newFactory());
    handlers = new ThreadPoolExecutor(WORKER_THREADS, WORKER_THREADS, 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(WORKER_QUEUE), new DefaultThreadFactory("flarestack-http-worker", true));
    handlers.allowCoreThreadTimeOut(true);
    grpcExecutor = Executors.newCachedThreadPool(new DefaultThreadFactory("flarestack-grpc", true));
    deadlines = new ScheduledThreadPoolExecutor(1, new DefaultThreadFactory("flarestack-deadlines", true));
    deadlines.setRemoveOnCancelPolicy(true); // most deadlines are cancelled when their call ends

    rpcRoutes = new RpcRoutes(registry, handlers, deadlines, guards, config.maxRequestBytes());
    http = new HttpTransport(new Dispatcher(router, handlers, metrics), metrics.tcpConnections("http"), memory,
        config);
    http.start(acceptors, ioLoops, config.httpListenAddress(), config.httpListenPort());

    GrpcMetricsInterceptor grpcMetrics = new GrpcMetricsInterceptor(metrics);
    grpc = NettyServerBuilder.forAddress(address(config.grpcListenAddress(), config.grpcListenPort()))
        .bossEventLoopGroup(acceptors)
        .workerEventLoopGroup(ioLoops)
        .channelType(NioServerSocketChannel.class)
        .executor(grpcExecutor)
        .fallbackHandlerRegistry(new GuardedRegistry(registry, guards, memory))
        .intercept(new SendSizeLimitInterceptor(config.grpcMaxSendMsgSize()))
        .intercept(grpcMetrics) // added last, so it runs first and sees every outcome
        // A message larger than the whole request memory budget could never be decoded.
        .maxInboundMessageSize((int) Math.min(config.grpcMaxRecvMsgSize(), memory.capacity()))
        .permitKeepAliveTime(1, TimeUnit.SECONDS) // -server.grpc.keepalive.min-time-between-pings
        .permitKeepAliveWithoutCalls(true)
        .addTransportFilter(new ConnectionCountingFilter(metrics.tcpConnections("grpc")))
        .build()
        .start();
    inProcess = InProcessServerBuilder.forName(inProcessName)
        .executor(grpcExecutor)
        .fallbackHandlerRegistry(registry)
        .intercept(grpcMetrics)
        .build()
        .start();
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
    log.info("listening for HTTP on port {} and gRPC on port {}, in-process as {}", httpPort(), grpcPort(), inProcessName);
  }

  @Override
  protected void doStop() throws Exception {
    long deadline = System.nanoTime() + config.gracefulShutdownTimeout().toNanos();
    health.enterTerminalState();
    if (http != null) {
      http.stopAccepting();
    }
    shutdown(grpc);
    shutdown(inProcess);
    try {
      if (http != null) {
        http.drain();
        if (!http.awaitIdle(deadline)) {
          log.warn("{} HTTP requests still in flight after the graceful shutdown timeout of {}; closing their connections",
              http.inflight(), config.gracefulShutdownTimeout());
        }
      }
      awaitTermination(grpc, deadline);
      awaitTermination(inProcess, deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (http != null) {
        http.closeAll();
      }
      if (grpc != null) {
        grpc.shutdownNow();
      }
      if (inProcess != null) {
        inProcess.shutdownNow();
      }
      synchronized (this) {
        channelClosed = true;
        if (channel != null) {
          channel.shutdownNow();
        }
      }
      releaseThreads();
    }
  }

  private void releaseThreads() {
    if (handlers != null) {
      handlers.shutdownNow();
    }
    if (grpcExecutor != null) {
      grpcExecutor.shutdownNow();
    }
    if (deadlines != null) {
      deadlines.shutdownNow();
    }
    for (EventLoopGroup group : new EventLoopGroup[] {ioLoops, acceptors}) {
      if (group != null) {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      }
    }
  }

  private static void shutdown(io.grpc.Server server) {
    if (server != null) {
      server.shutdown();
    }
  }

  private static void awaitTermination(io.grpc.Server server, long deadlineNanos) throws InterruptedException {
    if (server != null) {
      server.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
  }

  private static InetSocketAddress address(String host, int port) {
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }
}
