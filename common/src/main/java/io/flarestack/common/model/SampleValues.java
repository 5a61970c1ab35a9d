package io.flarestack.common.model;

/**
 * Arithmetic on sample values (pprof {@code int64}s) that never wraps: every sum of values
 * across samples, stacks, profiles or sources goes through here.
 *
 * <p>Why saturate instead of failing: the distributor refuses any single profile whose values
 * add up past {@code Long.MAX_VALUE}, but many valid profiles can still add up past it over a
 * query's range. Such a sum is reported as {@code Long.MAX_VALUE} ("at least this much") rather
 * than failing the query or wrapping to a negative number. For non-negative values (the only
 * kind that is stored: negative samples are dropped at ingest) a saturated sum is {@code min(MAX,
 * exact sum)} whatever the order of additions, so totals computed bottom-up stay consistent:
 * a node's total is always the saturated sum of its self value and its children's totals.
 * Stateless and thread-safe.
 */
public final class SampleValues {
  private SampleValues() {}

  /** {@code a + b}, clamped to {@code [Long.MIN_VALUE, Long.MAX_VALUE]} instead of wrapping. */
  public static long add(long a, long b) {
    long r = a + b;
    // Overflow iff both operands have the sign opposite to the result's.
    if (((a ^ r) & (b ^ r)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return r;
  }

  /** {@code a * b}, clamped to {@code [Long.MIN_VALUE, Long.MAX_VALUE]} instead of wrapping. */
  public static long multiply(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
      return lo;
    }
    return (a < 0) != (b < 0) ? Long.MIN_VALUE : Long.MAX_VALUE;
  }
}
