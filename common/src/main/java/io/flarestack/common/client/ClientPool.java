package io.flarestack.common.client;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.lifecycle.AbstractService;
import io.flarestack.common.tenant.TenantClientInterceptor;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * gRPC clients to other instances, one per address, created on first use and shared: the single
 * pool behind every internal client (distributor to ingesters, querier to ingesters and
 * store-gateways, ...). An address is {@code host:port} (a plaintext Netty channel) or
 * {@code inprocess:<name>} (grpc-java's in-process transport, used by {@code -target=all}), so
 * callers run the same code in one process and across the network. Every channel forwards the
 * caller's tenant ({@link TenantClientInterceptor}).
 *
 * <p>Exports {@code <metricName>} (e.g. {@code pyroscope.distributor.ingester.clients}, exported
 * as {@code pyroscope_distributor_ingester_clients}), the number of open clients. Stopping the
 * pool closes every channel. Thread-safe.
 *
 * @param <S> the stub type, e.g. {@code IngesterServiceGrpc.IngesterServiceBlockingStub}
 */
public final class ClientPool<S> extends AbstractService {
  /** The address prefix that selects the in-process transport. */
  public static final String IN_PROCESS_PREFIX = "inprocess:";
  /** gRPC's own default, and Pyroscope's {@code -server.grpc-max-recv-msg-size-bytes} is 100 MiB. */
  public static final int DEFAULT_MAX_INBOUND_MESSAGE_SIZE = 100 << 20;
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);
  private static final Logger log = LoggerFactory.getLogger(ClientPool.class);

  private final Function<Channel, S> stubFactory;
  private final int maxInboundMessageSize;
  private final MeterRegistry registry;
  private final String metricName;
  private final String metricDescription;
  private final TenantClientInterceptor tenantInterceptor = new TenantClientInterceptor();
  private final ConcurrentMap<String, Client<S>> clients = new ConcurrentHashMap<>();
  private volatile boolean closed;
  private Gauge gauge;

  /**
   * @param name the pool's service name, e.g. {@code ingester-client-pool}
   * @param stubFactory builds the stub on a new channel, e.g. {@code IngesterServiceGrpc::newBlockingStub}
   * @param maxInboundMessageSize the largest response a network client accepts, in bytes (the
   *     in-process transport hands messages over without a size check)
   * @param metricName the client-count gauge, e.g. {@code pyroscope.distributor.ingester.clients}
   * @param metricDescription its help text
   */
  public ClientPool(String name, Function<Channel, S> stubFactory, int maxInboundMessageSize, MeterRegistry registry,
      String metricName, String metricDescription) {
    super(name);
    this.stubFactory = requireNonNull(stubFactory, "stubFactory is null");
    if (maxInboundMessageSize <= 0) {
      throw new IllegalArgumentException("maxInboundMessageSize must be positive, got " + maxInboundMessageSize);
    }
    this.maxInboundMessageSize = maxInboundMessageSize;
    this.registry = requireNonNull(registry, "registry is null");
    this.metricName = requireNonNull(metricName, "metricName is null");
    this.metricDescription = requireNonNull(metricDescription, "metricDescription is null");
  }

  @Override
  protected void doStart() {
    gauge = Gauge.builder(metricName, clients::size).description(metricDescription).register(registry);
  }

  @Override
  protected void doStop() throws InterruptedException {
    closed = true;
    List<ManagedChannel> channels = new ArrayList<>();
    for (String address : Set.copyOf(clients.keySet())) {
      Client<S> c = clients.remove(address);
      if (c != null) {
        c.channel().shutdown();
        channels.add(c.channel());
      }
    }
    long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
    for (ManagedChannel channel : channels) {
      if (!channel.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        log.warn("pool {}: channel {} still busy after {}, cancelling its calls", name(), channel, SHUTDOWN_GRACE);
        channel.shutdownNow();
      }
    }
    if (gauge != null) {
      registry.remove(gauge);
    }
  }

  /**
   * The client for {@code address}, created on first use and reused after.
   *
   * @throws FlarestackException {@link ErrorCode#UNAVAILABLE} when the pool is not running
   * @throws IllegalArgumentException when the address is empty
   */
  public S get(String address) {
    requireNonNull(address, "address is null");
    if (address.isEmpty() || address.equals(IN_PROCESS_PREFIX)) {
      throw new IllegalArgumentException("empty client address");
    }
    if (state() != State.RUNNING || closed) {
      throw notRunning();
    }
    Client<S> client = clients.computeIfAbsent(address, this::connect);
    if (closed) {
      // Lost a race with stop(): make sure this channel does not outlive the pool.
      remove(address);
      throw notRunning();
    }
    return client.stub();
  }

  /** Closes the client for {@code address}, e.g. once the instance left the ring. No-op when absent. */
  public void remove(String address) {
    Client<S> c = clients.remove(requireNonNull(address, "address is null"));
    if (c != null) {
      c.channel().shutdown();
    }
  }

  /** The addresses with an open client. */
  public Set<String> addresses() {
    return Set.copyOf(clients.keySet());
  }

  private Client<S> connect(String address) {
    ManagedChannel channel;
    if (address.startsWith(IN_PROCESS_PREFIX)) {
      channel = InProcessChannelBuilder.forName(address.substring(IN_PROCESS_PREFIX.length()))
          .maxInboundMessageSize(maxInboundMessageSize)
          .intercept(tenantInterceptor)
          .build();
    } else {
      channel = NettyChannelBuilder.forTarget(address)
          .usePlaintext()
          .maxInboundMessageSize(maxInboundMessageSize)
          .intercept(tenantInterceptor)
          .build();
    }
    try {
      return new Client<>(channel, requireNonNull(stubFactory.apply(channel), "stub factory returned null"));
    } catch (RuntimeException e) {
      channel.shutdownNow();
      throw e;
    }
  }

  private FlarestackException notRunning() {
    return new FlarestackException(ErrorCode.UNAVAILABLE, "client pool " + name() + " is " + state());
  }

  private record Client<S>(ManagedChannel channel, S stub) {}
}
