/**
 * Serves registered gRPC methods on the HTTP port: the Connect protocol (unary) and the gRPC
 * protocol over h2c, both by running the method's {@link io.grpc.ServerCallHandler} with a
 * capturing {@link io.grpc.ServerCall}. See {@link io.flarestack.common.edge} for the design.
 */
package io.flarestack.common.edge.connect;
