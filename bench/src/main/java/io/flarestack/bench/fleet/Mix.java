package io.flarestack.bench.fleet;

/** Deterministic hashing for the fleet: SplitMix64 steps, so every choice depends only on the seed. */
public final class Mix {
  private Mix() {}

  /** SplitMix64's finaliser: a well-mixed 64-bit function of {@code x}. */
  public static long mix(long x) {
    long z = x + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A hash of several values, order-sensitive. */
  public static long hash(long... parts) {
    long h = 0x243F6A8885A308D3L;
    for (long p : parts) {
      h = mix(h ^ p);
    }
    return h;
  }

  /** A value in {@code [0, bound)} from a hash. */
  public static int bounded(long hash, int bound) {
    return (int) Math.floorMod(hash, (long) bound);
  }

  /** A double in {@code [0, 1)} from a hash. */
  public static double unit(long hash) {
    return (hash >>> 11) * 0x1.0p-53;
  }
}
