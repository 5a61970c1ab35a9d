package io.flarestack.common.edge.netty;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.edge.http.Bodies;
import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.edge.http.Reply;
import io.flarestack.common.edge.http.RequestSink;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.errors.TooLargeException;
import io.flarestack.common.io.MemoryBudget;
import io.flarestack.common.io.RequestMemory;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Collects a request's body (fixed-length, chunked, or HTTP/2 DATA frames) up to the size limit
 * and passes on an {@link Inbound}. Answers {@code Expect: 100-continue}. The body is reserved
 * from the server's {@link MemoryBudget} as it arrives (all of it at once when Content-Length says
 * how much), into the request's own {@link RequestMemory}, which travels with the request and is
 * given back when its answer is written. Refuses what it cannot pass on with a JSON error, without
 * buffering the rest of the body:
 * <ul>
 *   <li>a body over the limit (known from Content-Length or counted as it arrives): 413;
 *   <li>a body the request may never hold in memory: 413; one that does not fit while other
 *       requests hold the budget: 429;
 *   <li>a body not complete within {@code -server.http-read-timeout} of its head: 408;
 *   <li>an undecodable request or target: 400; an unknown expectation: 417.
 * </ul>
 * A refused HTTP/1 request gets {@code Connection: close}; the server then half-closes its side
 * and discards input until the body ends or a short linger passes, so the client reads the
 * answer instead of a reset. A refused HTTP/2 request gets its answer while the rest of its
 * DATA is read and dropped; only a client that keeps sending more than the limit again gets
 * RST_STREAM(NO_ERROR) (RFC 9113 §8.1), which some clients (curl 7.88) report as a failure
 * even after a complete answer.
 */
final class BodyAggregator extends ChannelInboundHandlerAdapter {
  private static final long LINGER_MILLIS = 2000;

  private final long maxBytes;
  private final boolean http2;
  private final RequestSink sink;
  private final MemoryBudget budget;
  private final Duration readTimeout;

  private io.netty.handler.codec.http.HttpRequest head;
  private CompositeByteBuf body;
  private RequestMemory memory; // of the request being received; handed on with it
  private boolean lengthReserved;
  private ScheduledFuture<?> deadline;
  private boolean discarding;
  private long discarded;
  private ChannelFuture refusal;

  /**
   * @param readTimeout how long a body may take to arrive after its head; zero for ever
   */
  BodyAggregator(long maxBytes, boolean http2, RequestSink sink, MemoryBudget budget, Duration readTimeout) {
    this.maxBytes = maxBytes;
    this.http2 = http2;
    this.sink = requireNonNull(sink, "sink is null");
    this.budget = requireNonNull(budget, "budget is null");
    this.readTimeout = requireNonNull(readTimeout, "readTimeout is null");
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof io.netty.handler.codec.http.HttpRequest req) {
        start(ctx, req, msg instanceof LastHttpContent);
      }
      if (msg instanceof HttpContent content) {
        content(ctx, content);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void start(ChannelHandlerContext ctx, io.netty.handler.codec.http.HttpRequest req, boolean complete) {
    endReceiving(ctx);
    discarding = false;
    Connection.of(ctx.channel()).heads++;
    if (req.decoderResult().isFailure()) {
      refuse(ctx, req, 0, HttpResponse.error(400, new FlarestackException(ErrorCode.INVALID_ARGUMENT,
          "malformed HTTP request: " + req.decoderResult().cause().getMessage())), complete);
      return;
    }
    long length;
    try {
      length = HttpUtil.getContentLength(req, -1L);
    } catch (NumberFormatException e) {
      refuse(ctx, req, 0, HttpResponse.error(400, new FlarestackException(ErrorCode.INVALID_ARGUMENT,
          "invalid Content-Length \"" + req.headers().get(HttpHeaderNames.CONTENT_LENGTH) + "\"")), complete);
      return;
    }
    if (length > maxBytes) {
      refuse(ctx, req, 0, HttpResponse.error(new TooLargeException("request body of " + length
          + " bytes is larger than the limit of " + maxBytes + " bytes (" + Bodies.LIMIT_FLAG + ")")), complete);
      return;
    }
    memory = budget.open();
    lengthReserved = length > 0;
    try {
      memory.reserve(Math.max(length, 0), "the request body");
    } catch (FlarestackException e) {
      refuse(ctx, req, 0, HttpResponse.error(e), complete);
      return;
    }
    if (unsupportedExpectation(req)) {
      refuse(ctx, req, 0, HttpResponse.error(417, new FlarestackException(ErrorCode.INVALID_ARGUMENT,
          "unsupported Expect \"" + req.headers().get(HttpHeaderNames.EXPECT) + "\"; only 100-continue is supported")),
          complete);
      return;
    }
    if (HttpUtil.is100ContinueExpected(req)) {
      ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
      req.headers().remove(HttpHeaderNames.EXPECT);
    }
    head = req;
    // No consolidation: a body arrives as many small buffers and is copied out once at the end.
    body = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
    Connection.of(ctx.channel()).receiving++;
    if (!readTimeout.isZero()) {
      deadline = ctx.executor().schedule(() -> expired(ctx), readTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void expired(ChannelHandlerContext ctx) {
    deadline = null;
    if (head == null) {
      return;
    }
    io.netty.handler.codec.http.HttpRequest req = head;
    long received = body.readableBytes();
    endReceiving(ctx);
    refuse(ctx, req, received, HttpResponse.error(408, new FlarestackException(ErrorCode.DEADLINE_EXCEEDED,
        "the request body did not arrive within " + ReadDeadline.seconds(readTimeout) + " of its headers ("
            + received + " bytes came; -server.http-read-timeout)")), true);
  }

  private static boolean unsupportedExpectation(io.netty.handler.codec.http.HttpRequest req) {
    String expect = req.headers().get(HttpHeaderNames.EXPECT);
    return expect != null && !req.protocolVersion().equals(HttpVersion.HTTP_1_0)
        && !expect.trim().equalsIgnoreCase("100-continue");
  }

  private void content(ChannelHandlerContext ctx, HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    if (head == null) { // refused or discarding the rest of a refused body
      if (last) {
        refusedBodyEnded(ctx);
      } else if (discarding && http2) {
        discarded += content.content().readableBytes();
        if (discarded > maxBytes) {
          discarding = false;
          ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR));
        }
      }
      return;
    }
    if (content.decoderResult().isFailure()) { // a broken chunk
      io.netty.handler.codec.http.HttpRequest req = head;
      long received = body.readableBytes();
      endReceiving(ctx);
      refuse(ctx, req, received, HttpResponse.error(400, new FlarestackException(ErrorCode.INVALID_ARGUMENT,
          "malformed HTTP request body: " + content.decoderResult().cause().getMessage())), true);
      return;
    }
    int n = content.content().readableBytes();
    if (body.readableBytes() + (long) n > maxBytes) {
      io.netty.handler.codec.http.HttpRequest req = head;
      long received = body.readableBytes() + (long) n;
      endReceiving(ctx);
      refuse(ctx, req, received, HttpResponse.error(new TooLargeException("request body is larger than the limit of "
          + maxBytes + " bytes (" + Bodies.LIMIT_FLAG + ")")), last);
      return;
    }
    if (!lengthReserved) {
      try {
        memory.reserve(n, "the request body");
      } catch (FlarestackException e) {
        io.netty.handler.codec.http.HttpRequest req = head;
        long received = body.readableBytes() + (long) n;
        endReceiving(ctx);
        refuse(ctx, req, received, HttpResponse.error(e), last);
        return;
      }
    }
    if (n > 0) {
      body.addComponent(true, content.content().retain());
    }
    if (last) {
      emit(ctx);
    }
  }

  private void emit(ChannelHandlerContext ctx) {
    io.netty.handler.codec.http.HttpRequest req = head;
    byte[] bytes = ByteBufUtil.getBytes(body);
    RequestMemory m = memory;
    memory = null; // handed on with the request, which gives it back when answered
    endReceiving(ctx);
    HttpRequest request;
    try {
      request = NettyMessages.toRequest(req, bytes, m);
    } catch (IllegalArgumentException e) {
      m.close();
      refuse(ctx, req, bytes.length, HttpResponse.error(400, new FlarestackException(ErrorCode.INVALID_ARGUMENT,
          "malformed request target \"" + req.uri() + "\": " + e.getMessage())), true);
      return;
    }
    ctx.fireChannelRead(new Inbound(request, HttpUtil.isKeepAlive(req), req.protocolVersion().equals(HttpVersion.HTTP_1_0)));
  }

  // The request stops being received: its body buffer and deadline go, and its memory unless emitted.
  private void endReceiving(ChannelHandlerContext ctx) {
    if (head != null) {
      Connection.of(ctx.channel()).receiving--;
      head = null;
    }
    releaseBody();
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
    if (memory != null) {
      memory.close();
      memory = null;
    }
  }

  private void refuse(ChannelHandlerContext ctx, io.netty.handler.codec.http.HttpRequest req, long received,
      HttpResponse response, boolean requestComplete) {
    if (memory != null) {
      memory.close();
      memory = null;
    }
    String path = req.uri();
    int q = path.indexOf('?');
    sink.rejected(req.method().name(), q < 0 ? path : path.substring(0, q), response.status(), received,
        response.body().length);
    discarding = !requestComplete;
    discarded = 0;
    if (http2) {
      ctx.writeAndFlush(NettyMessages.toResponse(Reply.of(response), false, false));
      return;
    }
    refusal = ctx.writeAndFlush(NettyMessages.toResponse(Reply.of(response), true, false));
    if (requestComplete) {
      refusal.addListener(ChannelFutureListener.CLOSE);
      return;
    }
    refusal.addListener(f -> {
      if (f.isSuccess() && ctx.channel() instanceof SocketChannel socket) {
        socket.shutdownOutput();
      }
      ctx.executor().schedule(() -> ctx.channel().close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    });
  }

  private void refusedBodyEnded(ChannelHandlerContext ctx) {
    if (discarding && !http2 && refusal != null) {
      refusal.addListener(ChannelFutureListener.CLOSE);
    }
    discarding = false;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    endReceiving(ctx);
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    endReceiving(ctx);
  }

  private void releaseBody() {
    if (body != null) {
      body.release();
      body = null;
    }
  }
}
