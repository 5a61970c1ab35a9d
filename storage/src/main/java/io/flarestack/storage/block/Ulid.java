package io.flarestack.storage.block;

import java.util.Random;

/**
 * A ULID: 48 bits of Unix milliseconds then 80 random bits, written as 26 characters of
 * Crockford's base 32, so block names sort by creation time. Only generation and validation
 * are needed here.
 */
public final class Ulid {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  private Ulid() {}

  /** A new ULID for the given time, with randomness from {@code random}. */
  public static String generate(long unixMillis, Random random) {
    if (unixMillis < 0 || unixMillis >= 1L << 48) {
      throw new IllegalArgumentException("ULID time out of range: " + unixMillis);
    }
    char[] out = new char[26];
    long time = unixMillis;
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (time & 31)];
      time >>>= 5;
    }
    long hi = random.nextLong() & ((1L << 40) - 1);
    long lo = random.nextLong() & ((1L << 40) - 1);
    for (int i = 17; i >= 10; i--) {
      out[i] = ALPHABET[(int) (hi & 31)];
      hi >>>= 5;
    }
    for (int i = 25; i >= 18; i--) {
      out[i] = ALPHABET[(int) (lo & 31)];
      lo >>>= 5;
    }
    return new String(out);
  }

  /** Whether {@code s} is a ULID in canonical (upper-case) form. */
  public static boolean isValid(String s) {
    if (s == null || s.length() != 26 || s.charAt(0) > '7') {
      return false;
    }
    for (int i = 0; i < 26; i++) {
      char c = s.charAt(i);
      if (java.util.Arrays.binarySearch(ALPHABET, c) < 0) {
        return false;
      }
    }
    return true;
  }

  /** The millisecond timestamp encoded in a valid ULID. */
  public static long timeMillis(String ulid) {
    long t = 0;
    for (int i = 0; i < 10; i++) {
      t = (t << 5) | java.util.Arrays.binarySearch(ALPHABET, ulid.charAt(i));
    }
    return t;
  }
}
