package io.flarestack.common.edge.netty;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.edge.http.Reply;
import io.flarestack.common.edge.http.RequestInfo;
import io.flarestack.common.edge.http.RequestSink;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the requests of one HTTP/1.1 connection one at a time, in order (pipelined requests
 * wait, and reading pauses meanwhile), keeps the connection alive when the client allows, and
 * closes it after the response in flight when the server drains.
 */
final class Http1Handler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(Http1Handler.class);

  private final RequestSink sink;
  private final Inflight inflight;
  private final ArrayDeque<Inbound> queue = new ArrayDeque<>();
  private CompletableFuture<Reply> current;

  Http1Handler(RequestSink sink, Inflight inflight) {
    this.sink = requireNonNull(sink, "sink is null");
    this.inflight = requireNonNull(inflight, "inflight is null");
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Inbound in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    queue.add(in);
    if (current == null) {
      next(ctx);
    } else {
      ctx.channel().config().setAutoRead(false);
    }
  }

  private void next(ChannelHandlerContext ctx) {
    Connection conn = Connection.of(ctx.channel());
    Inbound in = queue.poll();
    if (in == null) {
      ctx.channel().config().setAutoRead(true);
      return;
    }
    if (conn.draining) {
      in.request().memory().close();
      queue.forEach(q -> q.request().memory().close());
      queue.clear();
      ctx.channel().close(); // the client retries requests it sent but got no answer for
      return;
    }
    conn.active++;
    inflight.begin();
    CompletableFuture<Reply> f = sink.dispatch(in.request(), new RequestInfo(false, ctx.channel().remoteAddress()));
    current = f;
    f.whenComplete((reply, error) -> ctx.executor().execute(() -> respond(ctx, in, reply)));
  }

  private void respond(ChannelHandlerContext ctx, Inbound in, Reply reply) {
    current = null;
    Connection conn = Connection.of(ctx.channel());
    in.request().memory().close(); // the answer is built: the request's body and decoded form are garbage
    if (reply == null || !ctx.channel().isActive()) { // cancelled: the connection is gone
      finished(conn);
      ctx.channel().close();
      return;
    }
    boolean close = !in.keepAlive() || conn.draining;
    ctx.writeAndFlush(NettyMessages.toResponse(reply, close, in.http10() && !close)).addListener(f -> {
      finished(conn);
      if (close || !f.isSuccess()) {
        ctx.channel().close();
      } else {
        next(ctx);
      }
    });
  }

  private void finished(Connection conn) {
    conn.active--;
    inflight.end();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    queue.forEach(q -> q.request().memory().close());
    queue.clear();
    if (current != null) {
      current.cancel(false);
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("closing {} after an error", ctx.channel(), cause);
    ctx.channel().close();
  }
}
