package io.flarestack.common.edge.connect;

import static java.util.Objects.requireNonNull;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The gRPC protocol on the HTTP port, unary methods only, over h2c: the aggregated body holds
 * one length-prefixed message; the reply is 200 with one framed message and the status in the
 * {@code grpc-status}/{@code grpc-message} trailers. Every failure, including bad input, is a
 * gRPC status, never an HTTP error.
 */
final class GrpcUnaryHandler {
  private final UnaryCallRunner runner;
  private final RequestGuards guards;
  private final long maxRequestBytes;

  GrpcUnaryHandler(UnaryCallRunner runner, RequestGuards guards, long maxRequestBytes) {
    this.runner = requireNonNull(runner, "runner is null");
    this.guards = requireNonNull(guards, "guards is null");
    this.maxRequestBytes = maxRequestBytes;
  }

  <ReqT, RespT> CompletableFuture<Reply> handle(ServerMethodDefinition<ReqT, RespT> method, RpcProtocol protocol,
      HttpRequest request, RequestInfo info) {
    MethodDescriptor<ReqT, RespT> descriptor = method.getMethodDescriptor();
    if (!info.http2()) {
      // gRPC needs trailers, which HTTP/1.1 clients do not read.
      return CompletableFuture.completedFuture(Reply.of(HttpResponse.error(415, new FlarestackException(
          ErrorCode.INVALID_ARGUMENT, "gRPC (" + request.header("content-type") + ") needs HTTP/2; this request used HTTP/1.1"))));
    }
    if (descriptor.getType() != MethodDescriptor.MethodType.UNARY) {
      return done(protocol, Status.UNIMPLEMENTED.withDescription("streaming method " + descriptor.getFullMethodName()
          + " is served on the gRPC port only"));
    }
    ReqT message;
    long timeout;
    try {
      timeout = Timeouts.grpcTimeoutNanos(request.header("grpc-timeout"));
      List<byte[]> messages = GrpcFraming.split(request.body(), request.header("grpc-encoding"), maxRequestBytes,
          request.memory());
      if (messages.size() != 1) {
        throw FlarestackException.invalidArgument("unary method %s needs exactly one request message, got %d",
            descriptor.getFullMethodName(), messages.size());
      }
      message = MessageCodec.parse(descriptor.getRequestMarshaller(), messages.get(0), protocol.json(), guards,
          request.memory());
    } catch (FlarestackException e) {
      return done(protocol, Status.fromCode(e.code().grpcCode()).withDescription(e.getMessage()));
    }
    CompletableFuture<CallResult<RespT>> call = runner.start(method, message, RequestMetadata.from(request.headers()),
        timeout, info.remoteAddress(), request.header("host"), request.memory());
    return Futures.map(call, r -> {
      if (!r.status().isOk()) {
        return reply(protocol, r.status(), new byte[0]);
      }
      byte[] body = MessageCodec.serialize(descriptor.getResponseMarshaller(), r.message(), protocol.json());
      return reply(protocol, Status.OK, GrpcFraming.frame(body));
    });
  }

  private static CompletableFuture<Reply> done(RpcProtocol protocol, Status status) {
    return CompletableFuture.completedFuture(reply(protocol, status, new byte[0]));
  }

  private static Reply reply(RpcProtocol protocol, Status status, byte[] body) {
    Map<String, String> trailers = new LinkedHashMap<>();
    trailers.put("grpc-status", Integer.toString(status.getCode().value()));
    if (status.getDescription() != null) {
      trailers.put("grpc-message", GrpcFraming.encodeMessage(status.getDescription()));
    }
    return new Reply(new HttpResponse(200, protocol.contentType(), Map.of(), body), trailers);
  }
}
