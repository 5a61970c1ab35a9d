package io.flarestack.common.edge.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Last handler of a pipeline: an I/O error nobody handled closes the channel (peers reset connections all the time). */
@ChannelHandler.Sharable
final class ExceptionTail extends ChannelInboundHandlerAdapter {
  static final ExceptionTail INSTANCE = new ExceptionTail();
  private static final Logger log = LoggerFactory.getLogger(ExceptionTail.class);

  private ExceptionTail() {}

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("closing {} after an error", ctx.channel(), cause);
    ctx.channel().close();
  }
}
