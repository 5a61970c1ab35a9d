package io.flarestack.common.edge.netty;

import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The header half of the HTTP read deadline ({@code -server.http-read-header-timeout}), at the
 * head of a connection's pipeline where it sees raw bytes: when bytes arrive while no request is
 * being received, a request's head must follow within the timeout. A connection that trickles a
 * request line or headers is answered 408 (HTTP/1) or closed (HTTP/2, where the codec then sends
 * GOAWAY). The body half lives in {@link BodyAggregator}. A connection that stays silent is the
 * idle timeout's business, and one with a request in flight is left alone.
 */
final class ReadDeadline extends ChannelInboundHandlerAdapter {
  private final Duration timeout;
  private ScheduledFuture<?> timer;
  private long headsWhenArmed;

  ReadDeadline(Duration timeout) {
    this.timeout = timeout;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf && timer == null) {
      Connection conn = Connection.of(ctx.channel());
      if (conn.receiving == 0) {
        headsWhenArmed = conn.heads;
        timer = ctx.executor().schedule(() -> expired(ctx), timeout.toNanos(), TimeUnit.NANOSECONDS);
      }
    }
    ctx.fireChannelRead(msg);
  }

  private void expired(ChannelHandlerContext ctx) {
    timer = null;
    Connection conn = Connection.of(ctx.channel());
    if (conn.heads != headsWhenArmed || conn.active > 0 || conn.receiving > 0 || !ctx.channel().isActive()) {
      return; // a request came (its body has its own deadline) or one is being served
    }
    if (conn.protocol != Connection.Protocol.HTTP1) {
      ctx.channel().close();
      return;
    }
    // Written below the HTTP codec, which holds a half-parsed request: raw bytes, then close.
    HttpResponse r = HttpResponse.error(408, new FlarestackException(ErrorCode.DEADLINE_EXCEEDED,
        "the request headers did not arrive within " + seconds(timeout) + " (-server.http-read-header-timeout)"));
    String head = "HTTP/1.1 408 Request Timeout\r\nContent-Type: " + r.contentType() + "\r\nContent-Length: "
        + r.body().length + "\r\nConnection: close\r\n\r\n";
    ctx.writeAndFlush(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), r.body()))
        .addListener(ChannelFutureListener.CLOSE);
  }

  static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    super.channelInactive(ctx);
  }
}
