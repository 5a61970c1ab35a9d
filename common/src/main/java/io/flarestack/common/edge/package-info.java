/**
 * The edge, every process's network front (named so that "server" means only the executable
 * module {@code server}): one {@link io.flarestack.common.edge.Server} per process serves every
 * registered gRPC service three ways, with one implementation and one interceptor chain
 * (the tenant interceptor):
 * <ol>
 *   <li>on the HTTP port (default 4040) over HTTP/1.1 and cleartext HTTP/2 with prior knowledge:
 *       the Connect protocol (unary, {@code application/proto} and {@code application/json}) and,
 *       over h2c, the gRPC protocol, at {@code POST /<full.service.Name>/<Method>}; plus plain
 *       HTTP routes ({@link io.flarestack.common.edge.http.HttpHandler});
 *   <li>on the gRPC port (default 9095) with grpc-java on Netty;
 *   <li>in process, through {@link io.flarestack.common.edge.Server#inProcessChannel()}.
 * </ol>
 *
 * <h2>Thread model</h2>
 * <ul>
 *   <li><b>Acceptor</b> (one thread, {@code flarestack-accept-*}) and <b>I/O loops</b>
 *       ({@code flarestack-io-*}, 2 per core) are Netty event loops shared by the HTTP port and the
 *       gRPC port. On the HTTP port they only parse, aggregate bodies (up to
 *       {@code maxRequestBytes}, copied once into the request), and write responses; they never
 *       run a handler.
 *   <li><b>HTTP workers</b> ({@code flarestack-http-worker-*}, at most 200 threads, 10,000 queued
 *       requests, then 503) run routing, plain handlers, Connect/gRPC decoding, the service
 *       methods called over the HTTP port, response encoding and gzip. Handlers may block.
 *   <li><b>gRPC executor</b> ({@code flarestack-grpc-*}, cached) runs service methods called on the
 *       gRPC port and in process, as grpc-java's default executor would.
 *   <li><b>Deadlines</b> ({@code flarestack-deadlines-*}, one thread) fires
 *       {@code Connect-Timeout-Ms}/{@code grpc-timeout} deadlines of calls over the HTTP port.
 * </ul>
 * All are daemon threads created by {@code start()} and ended by {@code stop()}. An HTTP/1.1
 * connection serves its requests one at a time and in order; an HTTP/2 connection serves its
 * streams concurrently.
 *
 * <h2>The Connect adapter</h2>
 * Services live in one {@link io.grpc.util.MutableHandlerRegistry}, each wrapped with the tenant
 * interceptor when added; grpc-java's two servers use it as their fallback registry, and the HTTP
 * port looks methods up in it per request, so services added after start are served everywhere at
 * once. For a request on the HTTP port, {@code connect.RpcRoutes} finds the
 * {@link io.grpc.ServerMethodDefinition}, decodes the body (gzip undone within the size limit;
 * JSON parsed into the method's request prototype from its
 * {@link io.grpc.MethodDescriptor.PrototypeMarshaller}, unknown fields ignored), converts the
 * headers to {@link io.grpc.Metadata} (so the tenant interceptor reads {@code x-scope-orgid} as
 * on gRPC), and starts the method's {@link io.grpc.ServerCallHandler} with its own
 * {@link io.grpc.ServerCall} that captures the response message and the closing status. The call
 * runs in a fresh {@link io.grpc.Context} with the request's deadline; a client that hangs up
 * cancels it, as grpc-java cancels a call on RST_STREAM. A non-OK status becomes a Connect JSON
 * error through {@link io.flarestack.common.errors.ErrorCode} (or gRPC trailers for the gRPC
 * protocol). Streaming methods are served on the gRPC port and in process only.
 *
 * <h2>Metrics</h2>
 * HTTP requests (including Connect and gRPC-over-h2c calls) are recorded once, by the HTTP layer,
 * with the HTTP method and status; calls on the gRPC port and in process are recorded by an
 * interceptor with method {@code gRPC} and the gRPC status name, as dskit records them.
 *
 * <h2>Stopping</h2>
 * {@code stop()} marks health NOT_SERVING, closes both listeners, lets HTTP/1.1 connections finish
 * their response in flight, sends GOAWAY on HTTP/2 connections, waits up to
 * {@code graceful_shutdown_timeout} for requests and calls in flight, then closes everything.
 */
package io.flarestack.common.edge;
