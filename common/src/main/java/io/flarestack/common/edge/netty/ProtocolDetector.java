package io.flarestack.common.edge.netty;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Tells HTTP/2 with prior knowledge (the client opens with the connection preface) from
 * HTTP/1.x by the first bytes of a connection, installs the matching handlers, and removes
 * itself; the bytes it looked at go on to the new handlers.
 */
final class ProtocolDetector extends ByteToMessageDecoder {
  private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final Pipelines pipelines;

  ProtocolDetector(Pipelines pipelines) {
    this.pipelines = requireNonNull(pipelines, "pipelines is null");
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int n = Math.min(in.readableBytes(), PREFACE.length);
    for (int i = 0; i < n; i++) {
      if (in.getByte(in.readerIndex() + i) != PREFACE[i]) {
        pipelines.addHttp1(ctx.pipeline());
        ctx.pipeline().remove(this);
        return;
      }
    }
    if (n == PREFACE.length) {
      pipelines.addHttp2(ctx.pipeline());
      ctx.pipeline().remove(this);
    }
  }
}
