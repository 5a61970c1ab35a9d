/** gRPC helpers: the unary call helper every service answers through, and the gRPC port's interceptors. */
package io.flarestack.common.edge.grpc;
