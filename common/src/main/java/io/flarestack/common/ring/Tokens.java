package io.flarestack.common.ring;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.random.RandomGenerator;

/** Random ring tokens. Stateless. */
final class Tokens {
  private Tokens() {}

  /**
   * {@code count} distinct random tokens, none in {@code taken}, sorted as unsigned values.
   *
   * @param random used from the calling thread only
   */
  static int[] generate(int count, Set<Integer> taken, RandomGenerator random) {
    Set<Integer> chosen = new HashSet<>();
    int[] tokens = new int[count];
    int n = 0;
    while (n < count) {
      int t = random.nextInt();
      if (!taken.contains(t) && chosen.add(t)) {
        tokens[n++] = t;
      }
    }
    return sortUnsigned(tokens);
  }

  static int[] sortUnsigned(int[] tokens) {
    // Flipping the sign bit maps unsigned order onto signed order.
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] ^= Integer.MIN_VALUE;
    }
    Arrays.sort(tokens);
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] ^= Integer.MIN_VALUE;
    }
    return tokens;
  }
}
