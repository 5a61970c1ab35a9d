package io.flarestack.common.edge.connect;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.edge.http.Bodies;
import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.edge.http.Reply;
import io.flarestack.common.edge.http.RequestInfo;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.io.RequestGuards;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The Connect protocol, unary: the whole body (gzip undone when {@code Content-Encoding: gzip})
 * is one message in the request's codec; the answer is one message in the same codec with 200,
 * or a JSON error {@code {"code":..,"message":..}} whose HTTP status comes from {@link ErrorCode}.
 * {@code Connect-Timeout-Ms} becomes the call's deadline.
 */
final class ConnectUnaryHandler {
  private final UnaryCallRunner runner;
  private final RequestGuards guards;
  private final long maxRequestBytes;

  ConnectUnaryHandler(UnaryCallRunner runner, RequestGuards guards, long maxRequestBytes) {
    this.runner = requireNonNull(runner, "runner is null");
    this.guards = requireNonNull(guards, "guards is null");
    this.maxRequestBytes = maxRequestBytes;
  }

  <ReqT, RespT> CompletableFuture<Reply> handle(ServerMethodDefinition<ReqT, RespT> method, RpcProtocol protocol,
      HttpRequest request, RequestInfo info) {
    ConnectProtocolVersion.check(request);
    byte[] body = decodeBody(request);
    long timeout = Timeouts.connectTimeoutNanos(request.header("connect-timeout-ms"));
    MethodDescriptor<ReqT, RespT> descriptor = method.getMethodDescriptor();
    ReqT message = MessageCodec.parse(descriptor.getRequestMarshaller(), body, protocol.json(), guards,
        request.memory());
    CompletableFuture<CallResult<RespT>> call = runner.start(method, message, RequestMetadata.from(request.headers()),
        timeout, info.remoteAddress(), request.header("host"), request.memory());
    return Futures.map(call, r -> toReply(descriptor, protocol, r));
  }

  private byte[] decodeBody(HttpRequest request) {
    String encoding = request.header("content-encoding");
    if (encoding == null || encoding.isBlank() || encoding.trim().equalsIgnoreCase("identity")) {
      return request.body();
    }
    if (encoding.trim().toLowerCase(Locale.ROOT).equals("gzip")) {
      return Bodies.gunzip(request.body(), maxRequestBytes, "request body", request.memory());
    }
    throw FlarestackException.invalidArgument("unsupported Content-Encoding \"%s\": use gzip or identity", encoding);
  }

  private static <RespT> Reply toReply(MethodDescriptor<?, RespT> descriptor, RpcProtocol protocol, CallResult<RespT> r) {
    if (!r.status().isOk()) {
      return Reply.of(HttpResponse.error(toException(r.status())));
    }
    byte[] body = MessageCodec.serialize(descriptor.getResponseMarshaller(), r.message(), protocol.json());
    return Reply.of(new HttpResponse(200, protocol.contentType(), Map.of(), body));
  }

  static FlarestackException toException(Status status) {
    String description = status.getDescription() != null ? status.getDescription() : status.getCode().name();
    return new FlarestackException(ErrorCode.fromGrpc(status.getCode()), description);
  }
}
