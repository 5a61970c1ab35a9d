package io.flarestack.common.edge.netty;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.edge.http.Reply;
import io.flarestack.common.edge.http.RequestInfo;
import io.flarestack.common.edge.http.RequestSink;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serves the one request of an HTTP/2 stream; a reset or closed stream cancels it. */
final class Http2StreamHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(Http2StreamHandler.class);

  private final RequestSink sink;
  private final Inflight inflight;
  private CompletableFuture<Reply> current;

  Http2StreamHandler(RequestSink sink, Inflight inflight) {
    this.sink = requireNonNull(sink, "sink is null");
    this.inflight = requireNonNull(inflight, "inflight is null");
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Inbound in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    Connection conn = Connection.of(ctx.channel());
    conn.active++;
    inflight.begin();
    CompletableFuture<Reply> f = sink.dispatch(in.request(), new RequestInfo(true, ctx.channel().parent().remoteAddress()));
    current = f;
    f.whenComplete((reply, error) -> {
      in.request().memory().close(); // the answer is built: the request's body and decoded form are garbage
      ctx.executor().execute(() -> respond(ctx, reply));
    });
  }

  private void respond(ChannelHandlerContext ctx, Reply reply) {
    current = null;
    Connection conn = Connection.of(ctx.channel());
    if (reply == null || !ctx.channel().isActive()) {
      finished(conn);
      return;
    }
    ctx.writeAndFlush(NettyMessages.toResponse(reply, false, false)).addListener(f -> {
      finished(conn);
      if (!f.isSuccess()) {
        ctx.channel().close();
      }
    });
  }

  private void finished(Connection conn) {
    conn.active--;
    inflight.end();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (current != null) {
      current.cancel(false);
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("closing stream {} after an error", ctx.channel(), cause);
    ctx.channel().close();
  }
}
