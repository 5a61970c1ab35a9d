package io.flarestack.common.edge.netty;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.edge.ServerConfig;
import io.flarestack.common.edge.http.RequestSink;
import io.flarestack.common.io.MemoryBudget;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP port: one Netty listener speaking HTTP/1.1 (keep-alive, chunked bodies,
 * {@code Expect: 100-continue}) and cleartext HTTP/2 with prior knowledge. Complete requests
 * go to a {@link RequestSink}; I/O threads never run handlers. Stopping is three steps the
 * caller sequences: {@link #stopAccepting()}, {@link #drain()} then {@link #awaitIdle(long)},
 * and {@link #closeAll()}. Thread-safe.
 */
public final class HttpTransport {
  private final Inflight inflight = new Inflight();
  private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
  private final Pipelines pipelines;
  private volatile Channel serverChannel;

  /**
   * @param openConnections the gauge of open connections
   * @param memory the budget request bodies are reserved from
   * @param config the body limit ({@code maxRequestBytes}), the idle, read and read-header
   *     timeouts, and how long an HTTP/2 connection that got GOAWAY waits for its streams
   */
  public HttpTransport(RequestSink sink, AtomicInteger openConnections, MemoryBudget memory, ServerConfig config) {
    this.pipelines = new Pipelines(sink, inflight, openConnections, channels, memory, config);
  }

  /**
   * Binds and starts accepting connections.
   *
   * @param host the address to bind; empty for every interface
   * @param port the port; 0 picks a free one
   * @throws Exception when the port cannot be bound
   */
  public void start(EventLoopGroup boss, EventLoopGroup workers, String host, int port) throws Exception {
    requireNonNull(host, "host is null");
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(boss, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            pipelines.initConnection(ch);
          }
        });
    InetSocketAddress address = host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    serverChannel = bootstrap.bind(address).sync().channel();
  }

  /** The bound port; -1 before {@link #start}. */
  public int port() {
    Channel ch = serverChannel;
    return ch == null ? -1 : ((InetSocketAddress) ch.localAddress()).getPort();
  }

  /** Closes the listener; open connections keep being served. */
  public void stopAccepting() {
    Channel ch = serverChannel;
    if (ch != null) {
      ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  /**
   * Asks every connection to finish: idle HTTP/1 connections close now, busy ones after their
   * response; HTTP/2 connections send GOAWAY and close when their streams are done.
   */
  public void drain() {
    for (Channel ch : channels) {
      ch.eventLoop().execute(() -> ch.pipeline().fireUserEventTriggered(Connection.DRAIN));
    }
  }

  /** Waits until no request is in flight or the deadline ({@link System#nanoTime()}) passes; returns whether idle. */
  public boolean awaitIdle(long deadlineNanos) throws InterruptedException {
    return inflight.awaitZero(deadlineNanos);
  }

  /** Requests dispatched and not yet answered. */
  public int inflight() {
    return inflight.count();
  }

  /** Closes every connection at once. */
  public void closeAll() {
    List<io.netty.channel.ChannelFuture> closing = new ArrayList<>();
    for (Channel ch : channels) {
      closing.add(ch.close());
    }
    for (io.netty.channel.ChannelFuture f : closing) {
      f.awaitUninterruptibly(1, TimeUnit.SECONDS);
    }
  }
}
