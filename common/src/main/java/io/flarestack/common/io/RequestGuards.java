package io.flarestack.common.io;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Descriptors.Descriptor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link ProtoGuard} for each request message type the server decodes: the guards components
 * register (with their limits, e.g. series per push), and for every other type a guard without
 * field limits, made on first use, which still bounds what decoding may cost. One per server.
 * Thread-safe.
 */
public final class RequestGuards {
  private final Map<Descriptor, ProtoGuard> guards = new ConcurrentHashMap<>();

  /** Uses {@code guard} for requests of its root type from now on, replacing any other. */
  public void register(ProtoGuard guard) {
    guards.put(requireNonNull(guard, "guard is null").root(), guard);
  }

  /** The guard for requests of {@code type}. */
  public ProtoGuard forType(Descriptor type) {
    return guards.computeIfAbsent(type, t -> ProtoGuard.builder(t).build());
  }
}
