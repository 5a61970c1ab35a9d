package io.flarestack.ingester.head;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.ingester.v1.PushRequest;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ingester's in-memory head: one {@link TenantHead} per tenant, created on its first push.
 * Thread-safe.
 */
public final class Head {
  private final ConcurrentHashMap<String, TenantHead> tenants = new ConcurrentHashMap<>();
  private final int maxSeriesPerTenant;
  private final MeterRegistry registry;

  /**
   * @param maxSeriesPerTenant series limit per tenant; 0 = unlimited
   */
  public Head(int maxSeriesPerTenant, MeterRegistry registry) {
    if (maxSeriesPerTenant < 0) {
      throw new IllegalArgumentException("maxSeriesPerTenant must be >= 0, got " + maxSeriesPerTenant);
    }
    this.maxSeriesPerTenant = maxSeriesPerTenant;
    this.registry = requireNonNull(registry, "registry is null");
  }

  /**
   * Validates and stores a push for a tenant: every profile, or none when one is invalid.
   *
   * @throws io.flarestack.common.errors.FlarestackException invalid_argument / resource_exhausted
   */
  public void append(String tenant, PushRequest request) {
    requireNonNull(request, "request is null");
    if (request.getSeriesCount() == 0) {
      return;
    }
    tenant(tenant).append(request.getSeriesList());
  }

  /** The tenant's head, created when absent. */
  public TenantHead tenant(String tenant) {
    requireNonNull(tenant, "tenant is null");
    TenantHead h = tenants.get(tenant);
    return h != null ? h : tenants.computeIfAbsent(tenant, t -> new TenantHead(t, maxSeriesPerTenant, registry));
  }

  /** The tenant's head, or null when it never pushed (reads must not create heads). */
  public TenantHead find(String tenant) {
    return tenants.get(requireNonNull(tenant, "tenant is null"));
  }

  /** Tenants with a head, sorted. */
  public Set<String> tenants() {
    return new TreeSet<>(tenants.keySet());
  }

  /** Drops every tenant head and its metrics. */
  public void close() {
    for (TenantHead h : tenants.values()) {
      h.close();
    }
    tenants.clear();
  }
}
