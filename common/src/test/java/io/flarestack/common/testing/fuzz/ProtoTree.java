package io.flarestack.common.testing.fuzz;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A schema-less view of protobuf wire bytes as a tree of fields, so that a mutation can change one
 * value deep inside a message and the enclosing length prefixes are written anew: the result is
 * still well-formed protobuf and reaches the code behind the wire decoder (validation, splitting),
 * where a byte-level mutation mostly stops at the first length check. A length-delimited field
 * whose payload parses as a message is kept as children (a string that happens to parse is treated
 * as a message too; writing it back unchanged gives the same bytes). Not thread-safe.
 */
final class ProtoTree {
  /** Nesting deeper than this is kept as raw bytes. */
  static final int MAX_DEPTH = 12;

  /** One field occurrence. {@code wire} 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
  static final class Field {
    int number;
    int wire;
    long varint;
    byte[] bytes; // fixed value (8 or 4 bytes, little-endian) or a payload that is not a message
    List<Field> children; // a payload that is a message

    Field copy() {
      Field f = new Field();
      f.number = number;
      f.wire = wire;
      f.varint = varint;
      f.bytes = bytes == null ? null : bytes.clone();
      if (children != null) {
        f.children = new ArrayList<>(children.size());
        for (Field c : children) {
          f.children.add(c.copy());
        }
      }
      return f;
    }
  }

  private ProtoTree() {}

  /** The fields of {@code b}, or null when it is not a well-formed message (groups count as not). */
  static List<Field> parse(byte[] b) {
    return parse(b, 0, b.length, 0);
  }

  private static List<Field> parse(byte[] b, int from, int to, int depth) {
    List<Field> out = new ArrayList<>();
    int[] pos = {from};
    while (pos[0] < to) {
      int tagStart = pos[0];
      long tag = varint(b, pos, to);
      if (pos[0] == tagStart || tag < 0 || tag > 0xffff_ffffL) {
        return null;
      }
      Field f = new Field();
      f.number = (int) (tag >>> 3);
      f.wire = (int) (tag & 7);
      if (f.number == 0) {
        return null;
      }
      switch (f.wire) {
        case 0 -> {
          int start = pos[0];
          f.varint = varint(b, pos, to);
          if (pos[0] == start) {
            return null;
          }
        }
        case 1, 5 -> {
          int n = f.wire == 1 ? 8 : 4;
          if (to - pos[0] < n) {
            return null;
          }
          f.bytes = java.util.Arrays.copyOfRange(b, pos[0], pos[0] + n);
          pos[0] += n;
        }
        case 2 -> {
          int start = pos[0];
          long len = varint(b, pos, to);
          if (pos[0] == start || len < 0 || len > to - pos[0]) {
            return null;
          }
          int end = pos[0] + (int) len;
          List<Field> children = len > 0 && depth < MAX_DEPTH ? parse(b, pos[0], end, depth + 1) : null;
          if (children != null) {
            f.children = children;
          } else {
            f.bytes = java.util.Arrays.copyOfRange(b, pos[0], end);
          }
          pos[0] = end;
        }
        default -> {
          return null;
        }
      }
      out.add(f);
    }
    return out;
  }

  // A varint; when it runs past `to` or past 10 bytes, pos is left at its start (the caller's
  // test for failure, as -1 is also a valid value).
  private static long varint(byte[] b, int[] pos, int to) {
    long v = 0;
    int start = pos[0];
    for (int shift = 0; shift < 70; shift += 7) {
      if (pos[0] >= to) {
        pos[0] = start;
        return -1;
      }
      byte c = b[pos[0]++];
      if (shift < 64) {
        v |= (long) (c & 0x7f) << shift;
      }
      if (c >= 0) {
        return v;
      }
    }
    pos[0] = start;
    return -1;
  }

  /** The wire bytes of {@code fields}, every length prefix computed anew. */
  static byte[] write(List<Field> fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(fields, out);
    return out.toByteArray();
  }

  private static void write(List<Field> fields, ByteArrayOutputStream out) {
    for (Field f : fields) {
      writeVarint(out, ((long) f.number << 3) | f.wire);
      switch (f.wire) {
        case 0 -> writeVarint(out, f.varint);
        case 1, 5 -> out.writeBytes(f.bytes);
        default -> {
          byte[] payload = f.children != null ? write(f.children) : f.bytes;
          writeVarint(out, payload.length);
          out.writeBytes(payload);
        }
      }
    }
  }

  static void writeVarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  /** Every field in the tree, depth first, each with the list that holds it. */
  static List<Site> sites(List<Field> fields) {
    List<Site> out = new ArrayList<>();
    collect(fields, out);
    return out;
  }

  private static void collect(List<Field> fields, List<Site> out) {
    for (int i = 0; i < fields.size(); i++) {
      Field f = fields.get(i);
      out.add(new Site(fields, i));
      if (f.children != null) {
        collect(f.children, out);
      }
    }
  }

  /** A field and the list (message) that holds it. */
  record Site(List<Field> siblings, int index) {
    Field field() {
      return siblings.get(index);
    }
  }
}
