package io.flarestack.common.io;

/**
 * Strict UTF-8 validation (no overlong forms, no encoded UTF-16 surrogates, nothing past
 * U+10FFFF, nothing cut short), as the JDK's decoder with {@code REPORT} judges it, but without
 * decoding. Decoders of untrusted text call it so that invalid input is refused, never replaced by
 * U+FFFD. Stateless.
 */
public final class Utf8 {
  private Utf8() {}

  /** The offset of the first byte that does not start a valid sequence, or -1 when all of {@code b} is valid. */
  public static int invalidAt(byte[] b) {
    int i = 0;
    while (i < b.length) {
      int c = b[i] & 0xff;
      if (c < 0x80) {
        i++;
        continue;
      }
      int need;
      int min = 0x80;
      int max = 0xbf;
      if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
      } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        if (c == 0xe0) {
          min = 0xa0; // overlong
        } else if (c == 0xed) {
          max = 0x9f; // UTF-16 surrogates
        }
      } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        if (c == 0xf0) {
          min = 0x90; // overlong
        } else if (c == 0xf4) {
          max = 0x8f; // past U+10FFFF
        }
      } else {
        return i;
      }
      if (i + need >= b.length) {
        return i; // cut short
      }
      int second = b[i + 1] & 0xff;
      if (second < min || second > max) {
        return i;
      }
      for (int k = 2; k <= need; k++) {
        int cont = b[i + k] & 0xff;
        if (cont < 0x80 || cont > 0xbf) {
          return i;
        }
      }
      i += need + 1;
    }
    return -1;
  }}
