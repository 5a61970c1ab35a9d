package io.flarestack.common.limits;

/**
 * Limits per tenant. Components depend on this rather than on {@link Limits} so that runtime
 * overrides can be added without touching them. Implementations are thread-safe.
 */
@FunctionalInterface
public interface TenantLimits {
  Limits forTenant(String tenant);

  /** Every tenant gets the same limits. */
  static TenantLimits fixed(Limits limits) {
    return tenant -> limits;
  }
}
