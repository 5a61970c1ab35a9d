package io.flarestack.common.ring;

import io.flarestack.common.model.Labels;

/**
 * Ring tokens for keys: 32-bit FNV-1a over UTF-8 bytes, stable across processes and versions
 * (it decides which ingesters own a series, so changing it reshuffles every series). Parts are
 * separated by bytes that never occur in UTF-8 (0xff between parts, 0xfe between a label's name
 * and value), so different splits of the same characters hash differently. Tokens are unsigned
 * 32-bit values carried in an {@code int}. Allocation-free; stateless.
 */
public final class RingHash {
  private static final int OFFSET_BASIS = 0x811c9dc5;
  private static final int PRIME = 0x01000193;
  private static final int PART_SEPARATOR = 0xff;
  private static final int NAME_VALUE_SEPARATOR = 0xfe;

  private RingHash() {}

  /**
   * The token of one series: the tenant, then each label (sorted by name, as {@link Labels}
   * keeps them) as 0xff, name, 0xfe, value.
   */
  public static int tokenFor(String tenant, Labels labels) {
    int h = addString(OFFSET_BASIS, tenant);
    for (int i = 0; i < labels.size(); i++) {
      h = addByte(h, PART_SEPARATOR);
      h = addString(h, labels.name(i));
      h = addByte(h, NAME_VALUE_SEPARATOR);
      h = addString(h, labels.value(i));
    }
    return h;
  }

  /** The token of a tenant alone, e.g. the seed of its shuffle shard: the tenant's bytes. */
  public static int tokenFor(String tenant) {
    return addString(OFFSET_BASIS, tenant);
  }

  /** The token of any other key of a tenant (e.g. a service name): tenant, 0xff, key. */
  public static int tokenFor(String tenant, String key) {
    return addString(addByte(addString(OFFSET_BASIS, tenant), PART_SEPARATOR), key);
  }

  private static int addByte(int h, int b) {
    return (h ^ (b & 0xff)) * PRIME;
  }

  /** Hashes the UTF-8 encoding of {@code s} without materialising it. */
  private static int addString(int h, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        h = addByte(h, c);
      } else if (c < 0x800) {
        h = addByte(h, 0xc0 | (c >> 6));
        h = addByte(h, 0x80 | (c & 0x3f));
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        h = addByte(h, 0xf0 | (cp >> 18));
        h = addByte(h, 0x80 | ((cp >> 12) & 0x3f));
        h = addByte(h, 0x80 | ((cp >> 6) & 0x3f));
        h = addByte(h, 0x80 | (cp & 0x3f));
      } else if (Character.isSurrogate(c)) {
        h = addByte(h, '?'); // an unpaired surrogate encodes as '?', as String.getBytes does
      } else {
        h = addByte(h, 0xe0 | (c >> 12));
        h = addByte(h, 0x80 | ((c >> 6) & 0x3f));
        h = addByte(h, 0x80 | (c & 0x3f));
      }
    }
    return h;
  }
}
