package io.flarestack.common.model;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.types.v1.LabelPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable label set sorted by name, with unique names and a precomputed 64-bit
 * fingerprint. Empty values are kept as given (a matcher treats a missing label as "").
 * Thread-safe.
 */
public final class Labels implements Comparable<Labels> {
  public static final Labels EMPTY = new Labels(new String[0], new String[0]);

  private final String[] names;
  private final String[] values;
  private final long fingerprint;

  private Labels(String[] names, String[] values) {
    this.names = names;
    this.values = values;
    this.fingerprint = hash(names, values);
  }

  /** From alternating names and values; later duplicates replace earlier ones. */
  public static Labels of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("odd number of names and values: " + namesAndValues.length);
    }
    Builder b = builder();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      b.set(namesAndValues[i], namesAndValues[i + 1]);
    }
    return b.build();
  }

  public static Labels fromMap(Map<String, String> map) {
    Builder b = builder();
    map.forEach(b::set);
    return b.build();
  }

  /** From wire pairs; later duplicates replace earlier ones (validation rejects them first). */
  public static Labels fromProto(Collection<LabelPair> pairs) {
    Builder b = builder();
    for (LabelPair p : pairs) {
      b.set(p.getName(), p.getValue());
    }
    return b.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    for (int i = 0; i < names.length; i++) {
      b.set(names[i], values[i]);
    }
    return b;
  }

  public int size() {
    return names.length;
  }

  public boolean isEmpty() {
    return names.length == 0;
  }

  public String name(int i) {
    return names[i];
  }

  public String value(int i) {
    return values[i];
  }

  /** The value of {@code name}, or null when absent. */
  public String get(String name) {
    int i = Arrays.binarySearch(names, name);
    return i >= 0 ? values[i] : null;
  }

  /** The value of {@code name}, or "" when absent (Prometheus matcher semantics). */
  public String getOrEmpty(String name) {
    String v = get(name);
    return v == null ? "" : v;
  }

  public boolean has(String name) {
    return Arrays.binarySearch(names, name) >= 0;
  }

  /** A stable 64-bit hash of the names and values. */
  public long fingerprint() {
    return fingerprint;
  }

  public Labels with(String name, String value) {
    return toBuilder().set(name, value).build();
  }

  public Labels without(String... remove) {
    Builder b = toBuilder();
    for (String r : remove) {
      b.remove(r);
    }
    return b.build();
  }

  /** Only the given names, in this set's order; absent names are skipped. */
  public Labels keep(Collection<String> keep) {
    Builder b = builder();
    for (String k : keep) {
      String v = get(k);
      if (v != null) {
        b.set(k, v);
      }
    }
    return b.build();
  }

  public List<LabelPair> toProto() {
    List<LabelPair> out = new ArrayList<>(names.length);
    for (int i = 0; i < names.length; i++) {
      out.add(LabelPair.newBuilder().setName(names[i]).setValue(values[i]).build());
    }
    return out;
  }

  public Map<String, String> toMap() {
    Map<String, String> m = new TreeMap<>();
    for (int i = 0; i < names.length; i++) {
      m.put(names[i], values[i]);
    }
    return m;
  }

  @Override
  public int compareTo(Labels o) {
    int n = Math.min(names.length, o.names.length);
    for (int i = 0; i < n; i++) {
      int c = names[i].compareTo(o.names[i]);
      if (c != 0) {
        return c;
      }
      c = values[i].compareTo(o.values[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(names.length, o.names.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Labels l
        && l.fingerprint == fingerprint
        && Arrays.equals(names, l.names)
        && Arrays.equals(values, l.values);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(fingerprint);
  }

  /** Prometheus notation: {@code {a="1", b="2"}}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < names.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(names[i]).append("=\"");
      escape(values[i], sb);
      sb.append('"');
    }
    return sb.append('}').toString();
  }

  private static void escape(String s, StringBuilder sb) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        default -> sb.append(c);
      }
    }
  }

  // FNV-1a over UTF-16 code units with separators, finished with a 64-bit mix.
  private static long hash(String[] names, String[] values) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < names.length; i++) {
      h = hashString(h, names[i]);
      h = (h ^ 0xff) * 0x100000001b3L;
      h = hashString(h, values[i]);
      h = (h ^ 0xfe) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  private static long hashString(long h, String s) {
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001b3L;
    }
    return h;
  }

  /** Mutable accumulator; not thread-safe. */
  public static final class Builder {
    private final TreeMap<String, String> map = new TreeMap<>();

    private Builder() {}

    public Builder set(String name, String value) {
      map.put(requireNonNull(name, "name is null"), requireNonNull(value, "value is null"));
      return this;
    }

    /** Sets the label only when it is not present yet. */
    public Builder setIfAbsent(String name, String value) {
      map.putIfAbsent(requireNonNull(name, "name is null"), requireNonNull(value, "value is null"));
      return this;
    }

    public Builder remove(String name) {
      map.remove(name);
      return this;
    }

    public String get(String name) {
      return map.get(name);
    }

    public Labels build() {
      if (map.isEmpty()) {
        return EMPTY;
      }
      String[] n = new String[map.size()];
      String[] v = new String[map.size()];
      int i = 0;
      for (Map.Entry<String, String> e : map.entrySet()) {
        n[i] = e.getKey();
        v[i] = e.getValue();
        i++;
      }
      return new Labels(n, v);
    }
  }
}
