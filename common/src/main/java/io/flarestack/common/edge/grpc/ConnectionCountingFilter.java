package io.flarestack.common.edge.grpc;

import static java.util.Objects.requireNonNull;

import io.grpc.Attributes;
import io.grpc.ServerTransportFilter;
import java.util.concurrent.atomic.AtomicInteger;

/** Keeps a gauge of the gRPC port's open connections ({@code pyroscope_tcp_connections{protocol="grpc"}}). */
public final class ConnectionCountingFilter extends ServerTransportFilter {
  private static final Attributes.Key<Boolean> COUNTED = Attributes.Key.create("flarestack-connection-counted");

  private final AtomicInteger open;

  public ConnectionCountingFilter(AtomicInteger open) {
    this.open = requireNonNull(open, "open is null");
  }

  @Override
  public Attributes transportReady(Attributes attributes) {
    open.incrementAndGet();
    return attributes.toBuilder().set(COUNTED, Boolean.TRUE).build();
  }

  @Override
  public void transportTerminated(Attributes attributes) {
    // Only transports that became ready were counted.
    if (Boolean.TRUE.equals(attributes.get(COUNTED))) {
      open.decrementAndGet();
    }
  }
}
