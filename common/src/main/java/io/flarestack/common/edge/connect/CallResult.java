package io.flarestack.common.edge.connect;

import static java.util.Objects.requireNonNull;

import io.grpc.Metadata;
import io.grpc.Status;

/**
 * How a call ended.
 *
 * @param status the final status
 * @param message the single response message, or null (none sent, or the call failed)
 * @param trailers trailing metadata, never null
 */
record CallResult<T>(Status status, T message, Metadata trailers) {
  CallResult {
    requireNonNull(status, "status is null");
    requireNonNull(trailers, "trailers is null");
  }
}
