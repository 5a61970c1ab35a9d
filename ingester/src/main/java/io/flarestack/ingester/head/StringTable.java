package io.flarestack.ingester.head;

import java.util.Arrays;

/**
 * A partition's de-duplicated strings. Writer-side state: not thread-safe, guarded by the
 * partition lock; readers see it through {@link PartitionView}.
 */
final class StringTable implements IdHashTable.Probe {
  private String[] strings = new String[256];
  private int size;
  private final IdHashTable index = new IdHashTable(256);
  private String probe;
  private long bytes;

  int intern(String s) {
    int h = s.hashCode();
    probe = s;
    int id = index.find(h, this);
    if (id >= 0) {
      return id;
    }
    if (size == strings.length) {
      strings = Arrays.copyOf(strings, size * 2);
    }
    strings[size] = s;
    index.add(h, size);
    // Object header, fields and the UTF-16/Latin-1 payload, roughly.
    bytes += 56 + s.length();
    return size++;
  }

  @Override
  public boolean matches(int id) {
    return strings[id].equals(probe);
  }

  int size() {
    return size;
  }

  String[] array() {
    return strings;
  }

  long estimatedBytes() {
    return bytes + strings.length * 8L + index.estimatedBytes();
  }
}
