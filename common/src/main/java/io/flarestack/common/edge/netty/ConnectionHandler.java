package io.flarestack.common.edge.netty;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connection-level duties, near the head of every connection's pipeline: the open-connections
 * gauge, closing idle connections (only with nothing in flight; HTTP/2 closes with GOAWAY), and
 * draining on stop (HTTP/2: GOAWAY and wait for open streams; HTTP/1: close once the response
 * in flight is written).
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
  private final AtomicInteger openConnections;

  ConnectionHandler(AtomicInteger openConnections) {
    this.openConnections = requireNonNull(openConnections, "openConnections is null");
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    openConnections.incrementAndGet();
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    openConnections.decrementAndGet();
    super.channelInactive(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    Connection conn = Connection.of(ctx.channel());
    if (evt instanceof IdleStateEvent) {
      if (conn.active == 0) {
        ctx.channel().close(); // from the tail, so an HTTP/2 codec sends GOAWAY
      }
      return;
    }
    if (evt == Connection.DRAIN) {
      conn.draining = true;
      if (conn.protocol == Connection.Protocol.HTTP2 || conn.active == 0) {
        ctx.channel().close();
      }
      return;
    }
    super.userEventTriggered(ctx, evt);
  }
}
