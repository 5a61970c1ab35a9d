package io.flarestack.bench.query;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;

/**
 * One query of the reference's suite (§6.3): a Connect method of {@code querier.v1.QuerierService}
 * with its binary protobuf request, and how to tell an empty answer from a useful one.
 *
 * @param id {@code Q1}, {@code Q6.2}, ...
 * @param description what it asks, for the report
 * @param method the Connect method name
 * @param request the request message
 * @param size reads the answer's size in its own unit (flame graph total, series count, ...);
 *     0 means "empty", which the report flags
 */
public record Query(String id, String description, String method, Message request, Sizer size) {
  /** Reads a figure from an answer's bytes. */
  @FunctionalInterface
  public interface Sizer {
    long of(byte[] body) throws InvalidProtocolBufferException;
  }

  public Query {
    requireNonNull(id, "id is null");
    requireNonNull(description, "description is null");
    requireNonNull(method, "method is null");
    requireNonNull(request, "request is null");
    requireNonNull(size, "size is null");
  }

  public String path() {
    return "/querier.v1.QuerierService/" + method;
  }
}
