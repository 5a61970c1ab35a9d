package io.flarestack.common.ring;

import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.api.ring.v1.InstanceState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The ring metrics dskit exports and Pyroscope's dashboards read, computed from the current
 * snapshot at scrape time: {@code pyroscope_ring_members{name,state}},
 * {@code pyroscope_ring_oldest_member_timestamp{name,state}} and
 * {@code pyroscope_ring_tokens_total{name}}. An instance whose heartbeat is stale counts as
 * {@code Unhealthy} whatever its state; LEFT instances are not counted.
 */
final class RingMetrics {
  static final String UNHEALTHY = "Unhealthy";
  private static final List<String> STATES = List.of(InstanceState.ACTIVE.name(), InstanceState.LEAVING.name(),
      InstanceState.PENDING.name(), InstanceState.JOINING.name(), UNHEALTHY);

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();

  RingMetrics(String ringName, Supplier<RingSnapshot> snapshot, Clock clock, Duration heartbeatTimeout,
      MeterRegistry registry) {
    this.registry = registry;
    for (String state : STATES) {
      meters.add(Gauge.builder("pyroscope.ring.members",
              () -> count(snapshot.get(), state, heartbeatTimeout, clock.instant()))
          .description("Number of members in the ring")
          .tag("name", ringName)
          .tag("state", state)
          .register(registry));
      meters.add(Gauge.builder("pyroscope.ring.oldest.member.timestamp",
              () -> oldestTimestamp(snapshot.get(), state, heartbeatTimeout, clock.instant()))
          .description("Timestamp of the oldest member in the ring.")
          .tag("name", ringName)
          .tag("state", state)
          .register(registry));
    }
    // dskit exports this as a gauge named ..._tokens_total; a Micrometer gauge would lose the
    // _total suffix in the Prometheus registry, so it is a function counter to keep the name.
    meters.add(FunctionCounter.builder("pyroscope.ring.tokens", snapshot, s -> s.get().tokenCount())
        .description("Number of tokens in the ring")
        .tag("name", ringName)
        .register(registry));
  }

  void close() {
    meters.forEach(registry::remove);
  }

  private static String stateOf(InstanceDesc instance, Duration heartbeatTimeout, Instant now) {
    return RingSnapshot.isHeartbeatFresh(instance, heartbeatTimeout, now) ? instance.getState().name() : UNHEALTHY;
  }

  private static double count(RingSnapshot snapshot, String state, Duration heartbeatTimeout, Instant now) {
    int n = 0;
    for (InstanceDesc i : snapshot.instances()) {
      if (stateOf(i, heartbeatTimeout, now).equals(state)) {
        n++;
      }
    }
    return n;
  }

  private static double oldestTimestamp(RingSnapshot snapshot, String state, Duration heartbeatTimeout, Instant now) {
    long oldest = 0;
    for (InstanceDesc i : snapshot.instances()) {
      if (stateOf(i, heartbeatTimeout, now).equals(state) && (oldest == 0 || i.getTimestamp() < oldest)) {
        oldest = i.getTimestamp();
      }
    }
    return oldest;
  }
}
