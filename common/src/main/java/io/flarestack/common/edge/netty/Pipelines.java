package io.flarestack.common.edge.netty;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.edge.ServerConfig;
import io.flarestack.common.edge.http.RequestSink;
import io.flarestack.common.io.MemoryBudget;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds the pipelines of the HTTP port. A connection starts as
 * {@code [IdleStateHandler, ConnectionHandler, ReadDeadline, ProtocolDetector]}; the detector then adds either
 * {@code [HttpServerCodec, BodyAggregator, Http1Handler]} or
 * {@code [Http2FrameCodec, Http2MultiplexHandler, ExceptionTail]}, where every HTTP/2 stream gets
 * {@code [Http2StreamFrameToHttpObjectCodec, BodyAggregator, Http2StreamHandler]}.
 */
final class Pipelines {
  private static final int MAX_LINE_AND_HEADERS = 64 * 1024; // render URLs carry long queries
  private static final int MAX_CONCURRENT_STREAMS = 250; // Go's HTTP/2 server default
  private static final int STREAM_WINDOW = 1 << 20; // lets one stream upload at more than 64 KiB per round trip

  private final RequestSink sink;
  private final Inflight inflight;
  private final AtomicInteger openConnections;
  private final Set<Channel> channels;
  private final MemoryBudget memory;
  private final long maxRequestBytes;
  private final Duration idleTimeout;
  private final Duration readTimeout;
  private final Duration readHeaderTimeout;
  private final Duration gracefulShutdownTimeout;

  Pipelines(RequestSink sink, Inflight inflight, AtomicInteger openConnections, Set<Channel> channels,
      MemoryBudget memory, ServerConfig config) {
    this.sink = requireNonNull(sink, "sink is null");
    this.inflight = requireNonNull(inflight, "inflight is null");
    this.openConnections = requireNonNull(openConnections, "openConnections is null");
    this.channels = requireNonNull(channels, "channels is null");
    this.memory = requireNonNull(memory, "memory is null");
    this.maxRequestBytes = config.maxRequestBytes();
    this.idleTimeout = config.httpIdleTimeout();
    this.readTimeout = config.httpReadTimeout();
    this.readHeaderTimeout = config.effectiveReadHeaderTimeout();
    this.gracefulShutdownTimeout = config.gracefulShutdownTimeout();
  }

  void initConnection(Channel ch) {
    ch.attr(Connection.KEY).set(new Connection());
    channels.add(ch);
    ch.closeFuture().addListener(f -> channels.remove(ch));
    ChannelPipeline p = ch.pipeline();
    if (!idleTimeout.isZero()) {
      p.addLast(new IdleStateHandler(0, 0, idleTimeout.toNanos(), TimeUnit.NANOSECONDS));
    }
    p.addLast(new ConnectionHandler(openConnections));
    if (!readHeaderTimeout.isZero()) {
      p.addLast(new ReadDeadline(readHeaderTimeout));
    }
    p.addLast(new ProtocolDetector(this));
  }

  void addHttp1(ChannelPipeline p) {
    Connection.of(p.channel()).protocol = Connection.Protocol.HTTP1;
    p.addLast(new HttpServerCodec(new HttpDecoderConfig()
        .setMaxInitialLineLength(MAX_LINE_AND_HEADERS)
        .setMaxHeaderSize(MAX_LINE_AND_HEADERS)));
    p.addLast(new BodyAggregator(maxRequestBytes, false, sink, memory, readTimeout));
    p.addLast(new Http1Handler(sink, inflight));
  }

  void addHttp2(ChannelPipeline p) {
    Connection.of(p.channel()).protocol = Connection.Protocol.HTTP2;
    p.addLast(Http2FrameCodecBuilder.forServer()
        .initialSettings(Http2Settings.defaultSettings()
            .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
            .initialWindowSize(STREAM_WINDOW)
            .maxHeaderListSize(MAX_LINE_AND_HEADERS))
        .gracefulShutdownTimeoutMillis(gracefulShutdownTimeout.toMillis())
        .build());
    p.addLast(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
      @Override
      protected void initChannel(Http2StreamChannel stream) {
        stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true));
        stream.pipeline().addLast(new BodyAggregator(maxRequestBytes, true, sink, memory, readTimeout));
        stream.pipeline().addLast(new Http2StreamHandler(sink, inflight));
      }
    }));
    p.addLast(ExceptionTail.INSTANCE);
  }
}
