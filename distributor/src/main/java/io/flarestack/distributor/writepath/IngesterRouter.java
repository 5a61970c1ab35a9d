package io.flarestack.distributor.writepath;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.ingester.v1.ProfileSeries;
import io.flarestack.api.ingester.v1.PushRequest;
import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.common.limits.TenantLimits;
import io.flarestack.common.model.LabelNames;
import io.flarestack.common.model.Labels;
import io.flarestack.common.ring.Operation;
import io.flarestack.common.ring.ReplicationSet;
import io.flarestack.common.ring.Ring;
import io.flarestack.common.ring.RingHash;
import io.flarestack.common.ring.ShuffleShard;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Decides which ingesters receive which series of a push. Thread-safe.
 *
 * <p><b>Tenant shard.</b> When the tenant's {@code ingestion_tenant_shard_size}
 * ({@code -distributor.ingestion-tenant-shard-size}) is positive, its series go only to a
 * shuffle shard of that many ingesters (at least the replication factor) chosen by the tenant's
 * hash, as in Pyroscope; 0 means every ingester.
 *
 * <p><b>{@code series} mode</b> (Pyroscope v1): each series goes to the replication-factor
 * replicas of its own hash (tenant and labels) within the tenant shard, so one service is spread
 * over every ingester, and each ingester holds a copy of the symbols of every service.
 *
 * <p><b>{@code service} mode</b> (the default): a service (tenant, {@code service_name}) has its
 * own shuffle shard within the tenant shard, chosen by the hash of tenant and service
 * ({@link ShuffleShard}: deterministic, stable as the ring grows, each size containing the
 * smaller ones). Its size is the replication factor, widened by the service's measured rate as
 * {@link ServiceShardSizes} describes ({@code -distributor.service-shard-target-rate-mb}). Within
 * the shard each series goes to the replicas of its own hash, so a shard of the replication
 * factor sends every series of the service to the same replicas and a wider one spreads them.
 * A service's symbols are then held by the ingesters of its shard only.
 *
 * <p>Changing the mode, the sizes or the ring only changes where new profiles go: every profile
 * is written to one replica set, and queriers read every ingester.
 */
public final class IngesterRouter {
  private final Ring ring;
  private final IngesterShardingConfig config;
  private final TenantLimits limits;
  private final IntSupplier healthyDistributors;
  private final ServiceShardSizes sizes;

  /**
   * @param healthyDistributors the healthy distributors sharing the pushes (the distributor
   *     ring's count); read once per push
   */
  public IngesterRouter(Ring ring, IngesterShardingConfig config, TenantLimits limits, Clock clock,
      IntSupplier healthyDistributors) {
    this.ring = requireNonNull(ring, "ring is null");
    this.config = requireNonNull(config, "config is null");
    this.limits = requireNonNull(limits, "limits is null");
    this.healthyDistributors = requireNonNull(healthyDistributors, "healthyDistributors is null");
    this.sizes = new ServiceShardSizes(config.targetBytesPerSecond(), config.trackedServicesPerTenant(), clock);
  }

  /** Part of a push and the replicas that must acknowledge it. */
  public record Route(ReplicationSet replicas, PushRequest request) {
    public Route {
      requireNonNull(replicas, "replicas is null");
      requireNonNull(request, "request is null");
    }
  }

  /**
   * Splits {@code request} into the parts each replica set receives; every series is in exactly
   * one part. A single part is {@code request} itself.
   *
   * @throws io.flarestack.common.errors.FlarestackException UNAVAILABLE when the ring is empty or
   *     a series' replicas cannot reach a quorum
   */
  public List<Route> route(String tenant, PushRequest request) {
    int rf = ring.replicationFactor();
    int tenantShardSize = limits.forTenant(tenant).ingestionTenantShardSize();
    ShuffleShard tenantShard = ring.shuffleShard(RingHash.tokenFor(tenant),
        tenantShardSize <= 0 ? 0 : Math.max(rf, tenantShardSize), Operation.WRITE);
    Map<String, Group> groups = new LinkedHashMap<>();
    if (config.mode() == IngesterShardingConfig.Mode.SERIES) {
      for (ProfileSeries s : request.getSeriesList()) {
        add(groups, tenantShard.get(RingHash.tokenFor(tenant, Labels.fromProto(s.getLabelsList())), Operation.WRITE), s);
      }
    } else {
      Map<String, List<ProfileSeries>> byService = new LinkedHashMap<>();
      for (ProfileSeries s : request.getSeriesList()) {
        byService.computeIfAbsent(serviceName(s.getLabelsList()), k -> new ArrayList<>()).add(s);
      }
      int distributors = healthyDistributors.getAsInt();
      for (Map.Entry<String, List<ProfileSeries>> e : byService.entrySet()) {
        long bytes = 0;
        for (ProfileSeries s : e.getValue()) {
          bytes += s.getSerializedSize(); // memoised: gRPC reuses it when sending
        }
        int size = sizes.record(tenant, e.getKey(), bytes, rf, distributors);
        int serviceToken = RingHash.tokenFor(tenant, e.getKey());
        ShuffleShard shard = tenantShard.shuffleShard(serviceToken, size, Operation.WRITE);
        // A shard no larger than the replication factor is every key's replica set: one lookup.
        ReplicationSet whole = shard.size() <= rf ? shard.get(serviceToken, Operation.WRITE) : null;
        for (ProfileSeries s : e.getValue()) {
          add(groups, whole != null ? whole
              : shard.get(RingHash.tokenFor(tenant, Labels.fromProto(s.getLabelsList())), Operation.WRITE), s);
        }
      }
    }
    if (groups.size() == 1) {
      return List.of(new Route(groups.values().iterator().next().replicas, request));
    }
    List<Route> routes = new ArrayList<>(groups.size());
    for (Group g : groups.values()) {
      routes.add(new Route(g.replicas, g.series.build()));
    }
    return routes;
  }

  /** How many of the tenant's services have their rate tracked. */
  int trackedServices(String tenant) {
    return sizes.tracked(tenant);
  }

  private static void add(Map<String, Group> groups, ReplicationSet replicas, ProfileSeries series) {
    groups.computeIfAbsent(key(replicas), k -> new Group(replicas)).series.addSeries(series);
  }

  /** Replica sets with the same instances (in any order) and the same tolerance share one call each. */
  private static String key(ReplicationSet replicas) {
    List<String> ids = new ArrayList<>(replicas.instances().size());
    for (InstanceDesc i : replicas.instances()) {
      ids.add(i.getId());
    }
    ids.sort(null);
    return String.join("\u0000", ids) + "\u0000" + replicas.maxErrors();
  }

  private static String serviceName(List<LabelPair> labels) {
    for (LabelPair p : labels) {
      if (p.getName().equals(LabelNames.SERVICE_NAME)) {
        return p.getValue();
      }
    }
    return LabelNames.UNKNOWN_SERVICE;
  }

  private static final class Group {
    final ReplicationSet replicas;
    final PushRequest.Builder series = PushRequest.newBuilder();

    Group(ReplicationSet replicas) {
      this.replicas = replicas;
    }
  }
}
