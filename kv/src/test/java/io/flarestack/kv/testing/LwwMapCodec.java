package io.flarestack.kv.testing;

import io.flarestack.common.ring.kv.MergeableCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A test-only {@link MergeableCodec}: a map of named entries, each a string with a millisecond
 * timestamp, merged last-writer-wins per entry (a tombstone wins a tie, then the greater string),
 * so the merge is idempotent, commutative and associative. A local update's removals become
 * tombstones stamped {@code max(now, ts + 1)}. Values are encoded sorted, so equal maps have equal
 * bytes. Stateless.
 */
public final class LwwMapCodec implements MergeableCodec {
  /**
   * One entry.
   *
   * @param value the entry's string ("" for a tombstone)
   * @param ts when it was written, in milliseconds
   * @param deleted whether it is a tombstone
   */
  public record Item(String value, long ts, boolean deleted) {}

  @Override
  public Merge merge(byte[] current, byte[] incoming, boolean localCas, long nowMillis) {
    TreeMap<String, Item> cur = decode(current);
    TreeMap<String, Item> in = decode(incoming);
    TreeMap<String, Item> change = new TreeMap<>();
    if (localCas) {
      for (Map.Entry<String, Item> e : cur.entrySet()) {
        if (!e.getValue().deleted() && !in.containsKey(e.getKey())) {
          change.put(e.getKey(), new Item("", Math.max(nowMillis, e.getValue().ts() + 1), true));
        }
      }
    }
    for (Map.Entry<String, Item> e : in.entrySet()) {
      Item mine = cur.get(e.getKey());
      if (mine == null || wins(e.getValue(), mine)) {
        change.put(e.getKey(), e.getValue());
      }
    }
    if (change.isEmpty()) {
      return null;
    }
    cur.putAll(change);
    return new Merge(encode(cur), encode(change));
  }

  private static boolean wins(Item a, Item b) {
    if (a.ts() != b.ts()) {
      return a.ts() > b.ts();
    }
    if (a.deleted() != b.deleted()) {
      return a.deleted();
    }
    return a.value().compareTo(b.value()) > 0;
  }

  @Override
  public byte[] visible(byte[] value) {
    if (value == null) {
      return null;
    }
    TreeMap<String, Item> map = decode(value);
    map.values().removeIf(Item::deleted);
    return encode(map);
  }

  @Override
  public byte[] expireTombstones(byte[] value, long cutoffMillis) {
    if (value == null) {
      return null;
    }
    TreeMap<String, Item> map = decode(value);
    map.values().removeIf(i -> i.deleted() && i.ts() < cutoffMillis);
    return encode(map);
  }

  /** The entries of {@code value}, tombstones included; empty for null. */
  public static TreeMap<String, Item> decode(byte[] value) {
    TreeMap<String, Item> map = new TreeMap<>();
    if (value == null) {
      return map;
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        map.put(in.readUTF(), new Item(in.readUTF(), in.readLong(), in.readBoolean()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return map;
  }

  public static byte[] encode(Map<String, Item> map) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(map.size());
      for (Map.Entry<String, Item> e : new TreeMap<>(map).entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue().value());
        out.writeLong(e.getValue().ts());
        out.writeBoolean(e.getValue().deleted());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The visible entries of a value as name to string; empty for null. */
  public static Map<String, String> strings(byte[] value) {
    Map<String, String> out = new TreeMap<>();
    decode(value).forEach((k, v) -> {
      if (!v.deleted()) {
        out.put(k, v.value());
      }
    });
    return out;
  }

  /** An update that sets entry {@code name} to {@code value}, stamped {@code max(now, ts + 1)}. */
  public static java.util.function.UnaryOperator<byte[]> put(String name, String value, long nowMillis) {
    return old -> {
      TreeMap<String, Item> map = decode(old);
      Item prev = map.get(name);
      map.put(name, new Item(value, prev == null ? nowMillis : Math.max(nowMillis, prev.ts() + 1), false));
      return encode(map);
    };
  }

  /** An update that removes entry {@code name} (null, no change, when it is absent). */
  public static java.util.function.UnaryOperator<byte[]> remove(String name) {
    return old -> {
      TreeMap<String, Item> map = decode(old);
      return map.remove(name) == null ? null : encode(map);
    };
  }
}
