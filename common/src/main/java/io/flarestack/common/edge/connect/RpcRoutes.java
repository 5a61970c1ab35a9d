package io.flarestack.common.edge.connect;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.edge.http.Reply;
import io.flarestack.common.edge.http.RequestInfo;
import io.flarestack.common.edge.http.RouteHandler;
import io.flarestack.common.edge.http.Router;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.io.RequestGuards;
import io.grpc.HandlerRegistry;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Serves the methods of a gRPC {@link HandlerRegistry} on the HTTP port at
 * {@code POST /<full.service.Name>/<Method>}: the Connect protocol for unary methods
 * ({@code application/proto}, {@code application/json}) and, over h2c, the gRPC protocol
 * ({@code application/grpc[+proto|+json]}). Methods are looked up per request, so services
 * registered later are served at once. Thread-safe.
 */
public final class RpcRoutes {
  private final HandlerRegistry registry;
  private final ConnectUnaryHandler connect;
  private final GrpcUnaryHandler grpc;

  /**
   * @param registry the services, with their interceptors already applied
   * @param executor runs call callbacks that cannot run on the request's worker thread
   * @param scheduler fires call deadlines
   * @param guards the decoding guard of each request message type
   * @param maxRequestBytes the limit on a decompressed request message
   */
  public RpcRoutes(HandlerRegistry registry, Executor executor, ScheduledExecutorService scheduler, RequestGuards guards,
      long maxRequestBytes) {
    this.registry = requireNonNull(registry, "registry is null");
    UnaryCallRunner runner = new UnaryCallRunner(executor, scheduler);
    this.connect = new ConnectUnaryHandler(runner, guards, maxRequestBytes);
    this.grpc = new GrpcUnaryHandler(runner, guards, maxRequestBytes);
  }

  /** The handler of an RPC path, or null when no registered method has that path. */
  public RouteHandler lookup(String path) {
    if (path.length() < 4 || path.charAt(0) != '/' || path.indexOf('/', 1) < 0) {
      return null;
    }
    ServerMethodDefinition<?, ?> method = registry.lookupMethod(path.substring(1), null);
    return method == null ? null : (request, info) -> handle(method, request, info);
  }

  private <ReqT, RespT> CompletableFuture<Reply> handle(ServerMethodDefinition<ReqT, RespT> method, HttpRequest request,
      RequestInfo info) {
    if (!request.method().equals("POST")) {
      return CompletableFuture.completedFuture(Router.methodNotAllowed(request.method(), request.path(), List.of("POST")));
    }
    String contentType = request.header("content-type");
    RpcProtocol protocol = RpcProtocol.fromContentType(contentType);
    if (protocol == null) {
      return CompletableFuture.completedFuture(Router.error(415, ErrorCode.INVALID_ARGUMENT, "unsupported Content-Type "
          + (contentType == null ? "(none)" : "\"" + contentType + "\"")
          + "; use application/proto or application/json (Connect), or application/grpc over h2c"));
    }
    if (protocol.grpc()) {
      return grpc.handle(method, protocol, request, info);
    }
    if (method.getMethodDescriptor().getType() != MethodDescriptor.MethodType.UNARY) {
      return CompletableFuture.completedFuture(Router.error(ErrorCode.UNIMPLEMENTED.httpStatus(), ErrorCode.UNIMPLEMENTED,
          "streaming method " + method.getMethodDescriptor().getFullMethodName() + " is not served over Connect"));
    }
    return connect.handle(method, protocol, request, info);
  }
}
