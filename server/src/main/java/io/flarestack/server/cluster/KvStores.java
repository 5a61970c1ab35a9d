package io.flarestack.server.cluster;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.lifecycle.Service;
import io.flarestack.common.ring.RingFlags;
import io.flarestack.common.ring.RingMerge;
import io.flarestack.common.ring.kv.InMemoryKvStore;
import io.flarestack.common.ring.kv.KvStore;
import io.flarestack.kv.etcd.EtcdConfig;
import io.flarestack.kv.etcd.EtcdKvStore;
import io.flarestack.kv.memberlist.MemberlistConfig;
import io.flarestack.kv.memberlist.MemberlistKvStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The ring KV stores of one process: at most one of each backend, shared by every ring that uses
 * it (as dskit shares its memberlist KV), and created only when a ring uses it. Which backend a
 * ring uses is its own store flag, or, when that is unset, {@code memberlist} if
 * {@code -memberlist.join} is given and {@code inmemory} otherwise ({@link RingFlags#effectiveStore}).
 *
 * <p>Every key is a ring descriptor, so every backend stores through {@link RingMerge}: the
 * in-memory one merges local updates too, so removals become tombstones there as they do over
 * gossip, and one rule holds whichever backend runs. Not thread-safe: used while the module graph
 * is built, from one thread.
 */
public final class KvStores {
  private final ConfigValues values;
  private final Clock clock;
  private final MeterRegistry registry;
  private final boolean joined;
  private InMemoryKvStore inMemory;
  private MemberlistKvStore memberlist;
  private EtcdKvStore etcd;

  public KvStores(ConfigValues values, Clock clock, MeterRegistry registry) {
    this.values = requireNonNull(values, "values is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.registry = requireNonNull(registry, "registry is null");
    this.joined = !values.get(MemberlistConfig.JOIN).isEmpty();
  }

  /** Whether {@code -memberlist.join} was given. */
  public boolean joined() {
    return joined;
  }

  /** The effective backend name for a ring whose store flag is {@code configured}. */
  public String effective(String configured) {
    return RingFlags.effectiveStore(configured, joined);
  }

  /**
   * The store for a ring whose store flag is {@code configured}. A networked backend is created
   * on first use and must be started (see {@link #services()}) before the ring reads it.
   */
  public KvStore forRing(String configured) {
    return switch (effective(configured)) {
      case RingFlags.STORE_MEMBERLIST -> {
        if (memberlist == null) {
          memberlist = new MemberlistKvStore(MemberlistConfig.from(values), key -> new RingMerge(), clock, registry);
        }
        yield memberlist;
      }
      case RingFlags.STORE_ETCD -> {
        if (etcd == null) {
          etcd = new EtcdKvStore(EtcdConfig.from(values), key -> new RingMerge(), clock,
              MemberlistConfig.from(values).leftIngestersTimeout());
        }
        yield etcd;
      }
      default -> {
        if (inMemory == null) {
          inMemory = new InMemoryKvStore(new RingMerge(), clock, MemberlistConfig.from(values).leftIngestersTimeout());
        }
        yield inMemory;
      }
    };
  }

  /** The memberlist store when one was created, for the {@code /memberlist} page; else null. */
  public MemberlistKvStore memberlist() {
    return memberlist;
  }

  /** The networked stores created so far: services to start before, and stop after, the rings. */
  public List<Service> services() {
    List<Service> out = new ArrayList<>();
    if (memberlist != null) {
      out.add(memberlist);
    }
    if (etcd != null) {
      out.add(etcd);
    }
    return out;
  }
}
