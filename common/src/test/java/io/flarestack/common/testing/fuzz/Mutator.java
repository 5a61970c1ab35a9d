package io.flarestack.common.testing.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;

/**
 * Turns a real input into a nearby broken or odd one: a stack of one to a few mutations, chosen
 * with the given random source, so the same seed bytes, form, pool and random state always give
 * the same mutant (the fuzz run is reproducible from its seed and iteration).
 *
 * <p>Mutations: byte level (bit flips, interesting bytes, insertion, deletion, duplication of a
 * range, truncation, splicing two inputs, a varint of a boundary value written anywhere); gzip
 * (a gzip member anywhere in the input, e.g. a multipart part, is inflated, its content mutated
 * and compressed again; or the result is wrapped in gzip, or in two members); protobuf (the
 * bytes parsed as a schema-less field tree, {@link ProtoTree}: a varint set to a boundary value,
 * a field deleted, duplicated up to a thousand times, renumbered, given another wire type, a
 * payload replaced by an odd string, with every length prefix recomputed, or a length prefix
 * left wrong on purpose); text (a number replaced by a boundary value such as
 * {@code 9223372036854775808} or {@code 1e309}, invalid UTF-8, a lone surrogate, separators and
 * brackets, lines deleted, duplicated or repeated); JSON (values replaced by other types, deep
 * nesting). Stateless and thread-safe.
 */
public final class Mutator {
  /** What the input is, which picks the structure-aware mutations. */
  public enum Form {
    /** Protobuf wire bytes (gzipped or not). */
    PROTO,
    /** JSON text. */
    JSON,
    /** Line-oriented text (folded stacks, names, selectors, query strings). */
    TEXT,
    /** Anything else (JFR, multipart bodies): byte-level and gzip mutations only. */
    BINARY
  }

  /** A mutated input and the mutations that made it, for messages. */
  public record Mutant(byte[] bytes, List<String> ops) {}

  static final long[] INTERESTING_LONGS = {0, 1, -1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
      Integer.MAX_VALUE, 1L << 31, 0xffff_ffffL, 1L << 32, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1,
      Long.MAX_VALUE - 1, -2, 65535, 65536, 1_000_000_000L, 1L << 53, Integer.MIN_VALUE};
  static final String[] INTERESTING_NUMBERS = {"0", "-0", "-1", "1", "127", "128", "255", "256", "65535", "65536",
      "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295", "4294967296", "9223372036854775807",
      "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
      "18446744073709551616", "99999999999999999999999999999999", "1e308", "1e309", "-1e309", "1e-400", "1.5",
      "-0.0", "NaN", "Infinity", "-Infinity", "0x10", "00012", "+1", "1_000", "١٢", ""};
  private static final byte[][] BAD_UTF8 = {
      {(byte) 0xc3}, {(byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xf4, (byte) 0x90, (byte) 0x80,
          (byte) 0x80}, {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xff}, {(byte) 0xfe, (byte) 0xff}, {(byte) 0xe2, (byte) 0x82},
      {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {0}};
  private static final String[] TEXT_TOKENS = {";", " ", "\n", "\r\n", "\r", "\t", ";;", "{", "}", "=", ",", "\"",
      "'", "`", "\\", "\\x", "\\u", "\\U0010ffff", "=~", "!~", "!=", "%", "%zz", "%00", "&", "?", "..", "/", ":", "-",
      "__name__", "__session_id__", "profile_id", "service_name", "{}", "{=}", "{a=}", "(", ")", "[", "*", "+", "|",
      "(?", "\\p{", "\u00e9", "\ud83d\ude00", "\u0000", " 1", " -1", " 9223372036854775808", "\n\n"};
  private static final String[] JSON_TOKENS = {"{", "}", "[", "]", ",", ":", "\"", "null", "true", "false", "-0",
      "1e999", "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00\\ud800\"", "{}", "[]", "\"\"", "\"a\":1,", "\\", "\"\\", "1.0",
      "-", "0000", "\"9223372036854775808\"", "\"-1\"", "\"NaN\"", "\"Infinity\"", "\"AAAA\""};
  private static final String[] ODD_STRINGS = {"", "-", ";", "{", "\"", "\\", "\u0000", "a-b", "__name__",
      "span_id", "profile_id", "trace_id", "0123456789abcdef", "ffffffffffffffff", "service_name", ".", "..", "x.cpu",
      "process_cpu:cpu:nanoseconds:cpu:nanoseconds", "{service_name=\"x\"}", "\ud83d\ude00", "9223372036854775808"};

  private final int maxGrowth;

  /**
   * @param maxGrowth how many bytes one mutant may add to its seed (duplications, repetitions,
   *     nesting stop there), so a mutant stays near the seed's size
   */
  public Mutator(int maxGrowth) {
    this.maxGrowth = maxGrowth;
  }

  /**
   * Mutates {@code seed}.
   *
   * @param pool other inputs of the same target, to splice with
   */
  public Mutant mutate(byte[] seed, Form form, List<byte[]> pool, SplittableRandom r) {
    List<String> ops = new ArrayList<>();
    int limit = seed.length + maxGrowth;
    byte[] out = seed;
    int count = r.nextInt(8) == 0 ? 2 + r.nextInt(7) : 1 + r.nextInt(3);
    boolean gzipInside = indexOfGzip(seed, 0) >= 0 && r.nextInt(4) != 0;
    if (gzipInside) {
      out = mutateGzipMember(out, form, pool, r, count, limit, ops);
    } else {
      for (int i = 0; i < count; i++) {
        out = once(out, form, pool, r, limit, ops);
      }
    }
    if (Arrays.equals(out, seed)) { // every mutation drawn was a no-op here: flip a bit at least
      out = seed.length == 0 ? new byte[] {(byte) r.nextInt(256)} : seed.clone();
      if (seed.length > 0) {
        int at = r.nextInt(seed.length);
        out[at] ^= (byte) (1 << r.nextInt(8));
        ops.add("flip@" + at + "x1");
      } else {
        ops.add("insert-random@0+1");
      }
    }
    if (r.nextInt(40) == 0) {
      out = r.nextBoolean() ? gzip(out) : concat(gzip(Arrays.copyOf(out, out.length / 2)),
          gzip(Arrays.copyOfRange(out, out.length / 2, out.length)));
      ops.add("gzip-wrap");
    }
    return new Mutant(out, List.copyOf(ops));
  }

  private byte[] once(byte[] in, Form form, List<byte[]> pool, SplittableRandom r, int limit, List<String> ops) {
    boolean structured = switch (form) {
      case PROTO -> r.nextInt(5) < 3;
      case JSON, TEXT -> r.nextInt(5) < 4;
      case BINARY -> false;
    };
    if (structured) {
      byte[] out = switch (form) {
        case PROTO -> proto(in, r, limit, ops);
        case JSON -> r.nextInt(3) == 0 ? text(in, r, limit, ops) : json(in, r, limit, ops);
        default -> text(in, r, limit, ops);
      };
      if (out != null) {
        return out;
      }
    }
    return bytes(in, form, pool, r, limit, ops);
  }

  // --- byte level ---

  private byte[] bytes(byte[] in, Form form, List<byte[]> pool, SplittableRandom r, int limit, List<String> ops) {
    int n = in.length;
    switch (r.nextInt(n == 0 ? 2 : 10)) {
      case 0 -> {
        byte[] ins = new byte[1 + r.nextInt(16)];
        r.nextBytes(ins);
        if (form == Form.TEXT || form == Form.JSON) { // text stays text here; bad-utf8 breaks it on purpose
          for (int i = 0; i < ins.length; i++) {
            ins[i] = (byte) (0x20 + (ins[i] & 0x7f) % 0x5f);
          }
        }
        int at = r.nextInt(n + 1);
        ops.add("insert-random@" + at + "+" + ins.length);
        return insert(in, at, ins, limit);
      }
      case 1 -> {
        int at = r.nextInt(n + 1);
        long v = interestingLong(r);
        ops.add("insert-varint@" + at + "=" + v);
        return insert(in, at, varint(v), limit);
      }
      case 2 -> {
        byte[] out = in.clone();
        int flips = 1 + r.nextInt(8);
        int at = r.nextInt(n);
        for (int i = 0; i < flips; i++) {
          int p = Math.min(n - 1, at + r.nextInt(8));
          out[p] ^= (byte) (1 << r.nextInt(8));
        }
        ops.add("flip@" + at + "x" + flips);
        return out;
      }
      case 3 -> {
        byte[] out = in.clone();
        int at = r.nextInt(n);
        byte[] choices = {0, (byte) 0xff, 0x7f, (byte) 0x80, 1, '\n', ' ', '"', '{', ';', (byte) r.nextInt(256)};
        out[at] = choices[r.nextInt(choices.length)];
        ops.add("set@" + at + "=" + (out[at] & 0xff));
        return out;
      }
      case 4 -> {
        int at = r.nextInt(n);
        int len = 1 + r.nextInt(Math.min(n - at, r.nextBoolean() ? 8 : Math.max(1, n / 4)));
        ops.add("delete@" + at + "-" + len);
        return concat(Arrays.copyOfRange(in, 0, at), Arrays.copyOfRange(in, at + len, n));
      }
      case 5 -> {
        int at = r.nextInt(n);
        int len = 1 + r.nextInt(Math.min(n - at, 4096));
        int times = r.nextInt(4) == 0 ? 2 + r.nextInt(64) : 1;
        int to = r.nextInt(n + 1);
        byte[] piece = Arrays.copyOfRange(in, at, at + len);
        byte[] out = in;
        for (int i = 0; i < times && out.length + len <= limit; i++) {
          out = insert(out, to, piece, limit);
        }
        ops.add("duplicate@" + at + "-" + len + "->" + to + "x" + times);
        return out;
      }
      case 6 -> {
        int at = r.nextInt(n);
        ops.add("truncate@" + at);
        return Arrays.copyOf(in, at);
      }
      case 7 -> {
        if (pool.isEmpty()) {
          return in;
        }
        byte[] other = pool.get(r.nextInt(pool.size()));
        int a = r.nextInt(n + 1);
        int b = other.length == 0 ? 0 : r.nextInt(other.length);
        ops.add("splice@" + a + "+" + b);
        byte[] out = concat(Arrays.copyOf(in, a), Arrays.copyOfRange(other, b, other.length));
        return out.length > limit ? Arrays.copyOf(out, limit) : out;
      }
      case 8 -> {
        int at = r.nextInt(n);
        long v = interestingLong(r);
        byte[] enc = varint(v);
        byte[] out = in.clone();
        System.arraycopy(enc, 0, out, at, Math.min(enc.length, n - at));
        ops.add("overwrite-varint@" + at + "=" + v);
        return out;
      }
      default -> {
        int at = r.nextInt(n);
        byte[] bad = BAD_UTF8[r.nextInt(BAD_UTF8.length)];
        ops.add("bad-utf8@" + at);
        return insert(in, at, bad, limit);
      }
    }
  }

  // --- gzip ---

  private byte[] mutateGzipMember(byte[] in, Form form, List<byte[]> pool, SplittableRandom r, int count, int limit,
      List<String> ops) {
    List<int[]> members = new ArrayList<>();
    List<byte[]> contents = new ArrayList<>();
    for (int at = indexOfGzip(in, 0); at >= 0; at = indexOfGzip(in, at + 1)) {
      int[] end = new int[1];
      byte[] content = inflate(in, at, end, 64 << 20);
      if (content != null) {
        members.add(new int[] {at, end[0]});
        contents.add(content);
      }
    }
    if (members.isEmpty()) {
      for (int i = 0; i < count; i++) {
        in = once(in, form, pool, r, limit, ops);
      }
      return in;
    }
    int pick = r.nextInt(members.size());
    byte[] content = contents.get(pick);
    Form inner = form == Form.PROTO || ProtoTree.parse(content) != null ? Form.PROTO : looksLikeText(content)
        ? Form.TEXT : Form.BINARY;
    List<String> innerOps = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      content = once(content, inner, List.of(), r, content.length + maxGrowth, innerOps);
    }
    int[] m = members.get(pick);
    ops.add("gzip-member@" + m[0] + "(" + inner + ": " + String.join(", ", innerOps) + ")");
    return concat(concat(Arrays.copyOf(in, m[0]), gzip(content)), Arrays.copyOfRange(in, m[1], in.length));
  }

  private static int indexOfGzip(byte[] b, int from) {
    for (int i = from; i + 2 < b.length; i++) {
      if (b[i] == 0x1f && b[i + 1] == (byte) 0x8b && b[i + 2] == 8) {
        return i;
      }
    }
    return -1;
  }

  /** The content of the gzip member at {@code start}, or null; {@code end[0]} gets its end. */
  static byte[] inflate(byte[] b, int start, int[] end, int maxOut) {
    int pos = start + 10;
    if (pos > b.length) {
      return null;
    }
    int flags = b[start + 3] & 0xff;
    if ((flags & 4) != 0) {
      if (pos + 2 > b.length) {
        return null;
      }
      pos += 2 + ((b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8);
    }
    for (int bit : new int[] {8, 16}) {
      if ((flags & bit) != 0) {
        while (pos < b.length && b[pos] != 0) {
          pos++;
        }
        pos++;
      }
    }
    if ((flags & 2) != 0) {
      pos += 2;
    }
    if (pos >= b.length) {
      return null;
    }
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(b, pos, b.length - pos);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buf);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          return null;
        }
        out.write(buf, 0, n);
        if (out.size() > maxOut) {
          return null;
        }
      }
      long stop = pos + inflater.getBytesRead() + 8;
      if (stop > b.length) {
        return null;
      }
      end[0] = (int) stop;
      return out.toByteArray();
    } catch (DataFormatException e) {
      return null;
    } finally {
      inflater.end();
    }
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static boolean looksLikeText(byte[] b) {
    int n = Math.min(b.length, 512);
    for (int i = 0; i < n; i++) {
      int c = b[i] & 0xff;
      if (c < 0x09 || (c > 0x0d && c < 0x20)) {
        return false;
      }
    }
    return true;
  }

  // --- protobuf ---

  private byte[] proto(byte[] in, SplittableRandom r, int limit, List<String> ops) {
    List<ProtoTree.Field> root = ProtoTree.parse(in);
    if (root == null || root.isEmpty()) {
      return null;
    }
    List<ProtoTree.Site> sites = ProtoTree.sites(root);
    ProtoTree.Site site = sites.get(r.nextInt(sites.size()));
    ProtoTree.Field f = site.field();
    String where = "#" + f.number + "/" + f.wire;
    int op = r.nextInt(10);
    boolean breakLength = false;
    switch (op) {
      case 0 -> {
        site.siblings().remove(site.index());
        ops.add("proto-delete" + where);
      }
      case 1 -> {
        int times = r.nextInt(3) == 0 ? 1 + r.nextInt(1000) : 1;
        int size = ProtoTree.write(List.of(f)).length;
        times = (int) Math.max(1, Math.min(times, (limit - (long) in.length) / Math.max(1, size)));
        for (int i = 0; i < times; i++) {
          site.siblings().add(site.index() + 1, f.copy());
        }
        ops.add("proto-duplicate" + where + "x" + times);
      }
      case 2 -> {
        ProtoTree.Site other = sites.get(r.nextInt(sites.size()));
        if (other.field() != f && !contains(f, other.field())) {
          site.siblings().set(site.index(), other.field().copy());
          ops.add("proto-replace" + where + "<-#" + other.field().number);
        } else {
          return null;
        }
      }
      case 3 -> {
        f.number = r.nextBoolean() ? Math.max(1, f.number + (r.nextBoolean() ? 1 : -1)) : 1 + r.nextInt(20);
        ops.add("proto-renumber" + where + "->" + f.number);
      }
      case 4 -> {
        int wire = new int[] {0, 1, 2, 5}[r.nextInt(4)];
        f.wire = wire;
        f.children = null;
        f.bytes = wire == 1 ? new byte[8] : wire == 5 ? new byte[4] : wire == 2 ? new byte[] {1} : null;
        f.varint = 1;
        ops.add("proto-rewire" + where + "->" + wire);
      }
      case 5 -> {
        breakLength = true;
        ops.add("proto-bad-length" + where);
      }
      default -> {
        if (f.wire == 0) {
          long old = f.varint;
          f.varint = switch (r.nextInt(4)) {
            case 0 -> old + (r.nextBoolean() ? 1 : -1);
            case 1 -> r.nextLong();
            default -> interestingLong(r);
          };
          ops.add("proto-varint" + where + "=" + f.varint);
        } else if (f.wire == 1 || f.wire == 5) {
          long v = interestingLong(r);
          for (int i = 0; i < f.bytes.length; i++) {
            f.bytes[i] = (byte) (v >>> (8 * i));
          }
          ops.add("proto-fixed" + where + "=" + v);
        } else if (f.children != null) {
          ProtoTree.Field added = new ProtoTree.Field();
          added.number = 1 + r.nextInt(20);
          added.wire = 0;
          added.varint = interestingLong(r);
          f.children.add(r.nextInt(f.children.size() + 1), added);
          ops.add("proto-add-varint" + where + "/#" + added.number + "=" + added.varint);
        } else {
          f.bytes = oddPayload(f.bytes, r, limit - in.length);
          ops.add("proto-payload" + where + "(" + f.bytes.length + "b)");
        }
      }
    }
    byte[] out = ProtoTree.write(root);
    if (breakLength) {
      out = withBrokenLength(out, r);
    }
    return out.length > limit ? Arrays.copyOf(out, limit) : out;
  }

  private static boolean contains(ProtoTree.Field outer, ProtoTree.Field inner) {
    if (outer.children == null) {
      return false;
    }
    for (ProtoTree.Field c : outer.children) {
      if (c == inner || contains(c, inner)) {
        return true;
      }
    }
    return false;
  }

  private byte[] oddPayload(byte[] old, SplittableRandom r, int room) {
    return switch (r.nextInt(6)) {
      case 0 -> ODD_STRINGS[r.nextInt(ODD_STRINGS.length)].getBytes(StandardCharsets.UTF_8);
      case 1 -> BAD_UTF8[r.nextInt(BAD_UTF8.length)].clone();
      case 2 -> {
        byte[] b = new byte[Math.max(0, Math.min(room, r.nextBoolean() ? 65536 + r.nextInt(16) : 1 + r.nextInt(300)))];
        Arrays.fill(b, (byte) 'a');
        yield b;
      }
      case 3 -> concat(old, varint(interestingLong(r))); // one more packed value
      case 4 -> old.length == 0 ? old : Arrays.copyOf(old, r.nextInt(old.length));
      default -> {
        byte[] b = old.clone();
        if (b.length > 0) {
          b[r.nextInt(b.length)] = BAD_UTF8[r.nextInt(BAD_UTF8.length)][0];
        }
        yield b;
      }
    };
  }

  // Rewrites one length-delimited field's length prefix to a wrong value (the rest unchanged).
  private static byte[] withBrokenLength(byte[] b, SplittableRandom r) {
    List<ProtoTree.Field> root = ProtoTree.parse(b);
    if (root == null) {
      return b;
    }
    // Find the byte offset of a top-level length prefix by re-walking the bytes.
    List<int[]> lengths = new ArrayList<>(); // {offset of length varint, its size, value}
    int pos = 0;
    for (ProtoTree.Field f : root) {
      pos += varint(((long) f.number << 3) | f.wire).length;
      if (f.wire == 2) {
        int payload = f.children != null ? ProtoTree.write(f.children).length : f.bytes.length;
        int size = varint(payload).length;
        lengths.add(new int[] {pos, size, payload});
        pos += size + payload;
      } else if (f.wire == 0) {
        pos += varint(f.varint).length;
      } else {
        pos += f.bytes.length;
      }
    }
    if (lengths.isEmpty()) {
      return b;
    }
    int[] l = lengths.get(r.nextInt(lengths.size()));
    long wrong = switch (r.nextInt(5)) {
      case 0 -> l[2] + 1L;
      case 1 -> Math.max(0, l[2] - 1L);
      case 2 -> 0;
      case 3 -> Integer.MAX_VALUE;
      default -> -1;
    };
    return concat(concat(Arrays.copyOf(b, l[0]), varint(wrong)), Arrays.copyOfRange(b, l[0] + l[1], b.length));
  }

  // --- text and JSON ---

  private byte[] text(byte[] in, SplittableRandom r, int limit, List<String> ops) {
    int n = in.length;
    switch (r.nextInt(6)) {
      case 0, 1 -> {
        int[] run = numberRun(in, r);
        if (run == null) {
          return null;
        }
        String num = INTERESTING_NUMBERS[r.nextInt(INTERESTING_NUMBERS.length)];
        ops.add("number@" + run[0] + "=" + num);
        return replace(in, run[0], run[1], num.getBytes(StandardCharsets.UTF_8), limit);
      }
      case 2 -> {
        int at = r.nextInt(n + 1);
        String t = TEXT_TOKENS[r.nextInt(TEXT_TOKENS.length)];
        ops.add("token@" + at + "=" + t.replace("\n", "\\n"));
        return insert(in, at, t.getBytes(StandardCharsets.UTF_8), limit);
      }
      case 3 -> {
        int at = n == 0 ? 0 : r.nextInt(n);
        byte[] bad = BAD_UTF8[r.nextInt(BAD_UTF8.length)];
        ops.add("bad-utf8@" + at);
        return r.nextBoolean() || n == 0 ? insert(in, at, bad, limit) : replace(in, at, Math.min(n, at + bad.length), bad,
            limit);
      }
      default -> {
        List<int[]> lines = lines(in);
        if (lines.size() < 1) {
          return null;
        }
        int[] line = lines.get(r.nextInt(lines.size()));
        byte[] text = Arrays.copyOfRange(in, line[0], line[1]);
        switch (r.nextInt(4)) {
          case 0 -> {
            ops.add("line-delete@" + line[0]);
            return concat(Arrays.copyOf(in, line[0]), Arrays.copyOfRange(in, line[1], n));
          }
          case 1 -> {
            int times = 1 + r.nextInt(r.nextBoolean() ? 3 : 2000);
            byte[] out = in;
            for (int i = 0; i < times && out.length + text.length <= limit; i++) {
              out = insert(out, line[1], text, limit);
            }
            ops.add("line-repeat@" + line[0] + "x" + times);
            return out;
          }
          case 2 -> {
            int[] other = lines.get(r.nextInt(lines.size()));
            byte[] otherText = Arrays.copyOfRange(in, other[0], other[1]);
            ops.add("line-swap@" + line[0] + "<->" + other[0]);
            return other[0] == line[0] ? in : line[0] < other[0]
                ? swap(in, line, text, other, otherText) : swap(in, other, otherText, line, text);
          }
          default -> {
            // a very long frame: one line's first few bytes repeated
            int piece = Math.max(1, Math.min(text.length, 1 + r.nextInt(16)));
            int times = Math.min(70_000 / piece + 1, Math.max(0, limit - n) / piece);
            byte[] rep = new byte[piece * times];
            for (int i = 0; i < times; i++) {
              System.arraycopy(text, 0, rep, i * piece, piece);
            }
            ops.add("long-run@" + line[0] + "x" + times);
            return insert(in, line[0], rep, limit);
          }
        }
      }
    }
  }

  private byte[] json(byte[] in, SplittableRandom r, int limit, List<String> ops) {
    int n = in.length;
    switch (r.nextInt(5)) {
      case 0 -> {
        int at = r.nextInt(n + 1);
        String t = JSON_TOKENS[r.nextInt(JSON_TOKENS.length)];
        ops.add("json-token@" + at + "=" + t);
        return insert(in, at, t.getBytes(StandardCharsets.UTF_8), limit);
      }
      case 1, 4 -> {
        // a value (number, string, literal) replaced by one of another kind
        int[] v = jsonScalar(in, r);
        if (v == null) {
          return null;
        }
        String[] values = {"null", "{}", "[]", "\"\"", "\"x\"", "-1", "0", "1e309", "9223372036854775808",
            "\"9223372036854775808\"", "\"-9223372036854775809\"", "true", "[1,2]", "{\"a\":1}", "\"\\ud800\"", "1.5",
            "\"1.5\"", "-0", "\"NaN\"", "\"\\u0000\""};
        String value = values[r.nextInt(values.length)];
        ops.add("json-value@" + v[0] + "=" + value);
        return replace(in, v[0], v[1], value.getBytes(StandardCharsets.UTF_8), limit);
      }
      case 2 -> {
        int depth = 1 + r.nextInt(r.nextBoolean() ? 8 : 5000);
        int at = r.nextInt(n + 1);
        String open = r.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        depth = Math.min(depth, Math.max(0, (limit - n) / (open.length() + close.length())));
        boolean balanced = r.nextBoolean();
        StringBuilder sb = new StringBuilder(open.repeat(depth)).append("1");
        if (balanced) {
          sb.append(close.repeat(depth));
        }
        ops.add("json-nest@" + at + "x" + depth + (balanced ? "" : "-unbalanced"));
        return insert(in, at, sb.toString().getBytes(StandardCharsets.UTF_8), limit);
      }
      default -> {
        // an array element or object member duplicated many times
        int[] v = jsonScalar(in, r);
        if (v == null) {
          return null;
        }
        byte[] piece = concat(Arrays.copyOfRange(in, v[0], v[1]), new byte[] {','});
        int times = 1 + r.nextInt(r.nextBoolean() ? 4 : 3000);
        byte[] out = in;
        for (int i = 0; i < times && out.length + piece.length <= limit; i++) {
          out = insert(out, v[0], piece, limit);
        }
        ops.add("json-repeat@" + v[0] + "x" + times);
        return out;
      }
    }
  }

  // A run of digits (with a sign, dot or exponent) at a random place, or null.
  private static int[] numberRun(byte[] in, SplittableRandom r) {
    int n = in.length;
    if (n == 0) {
      return null;
    }
    int start = r.nextInt(n);
    for (int k = 0; k < n; k++) {
      int i = (start + k) % n;
      if (in[i] >= '0' && in[i] <= '9') {
        int a = i;
        while (a > 0 && isNumberByte(in[a - 1])) {
          a--;
        }
        int b = i;
        while (b < n && isNumberByte(in[b])) {
          b++;
        }
        return new int[] {a, b};
      }
    }
    return null;
  }

  private static boolean isNumberByte(byte c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '.' || c == 'e' || c == 'E' || c == '+';
  }

  // A JSON string or number token at a random place, or null.
  private static int[] jsonScalar(byte[] in, SplittableRandom r) {
    int n = in.length;
    if (n == 0) {
      return null;
    }
    int start = r.nextInt(n);
    for (int k = 0; k < n; k++) {
      int i = (start + k) % n;
      if (in[i] == ':' || in[i] == '[' || in[i] == ',') {
        int a = i + 1;
        while (a < n && (in[a] == ' ' || in[a] == '\n')) {
          a++;
        }
        if (a >= n) {
          continue;
        }
        if (in[a] == '"') {
          int b = a + 1;
          while (b < n && in[b] != '"') {
            b += in[b] == '\\' ? 2 : 1;
          }
          if (b < n) {
            return new int[] {a, b + 1};
          }
        } else if (isNumberByte(in[a]) || in[a] == 't' || in[a] == 'f' || in[a] == 'n') {
          int b = a;
          while (b < n && (isNumberByte(in[b]) || Character.isLetter(in[b]))) {
            b++;
          }
          return new int[] {a, b};
        }
      }
    }
    return null;
  }

  private static List<int[]> lines(byte[] in) {
    List<int[]> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < in.length; i++) {
      if (in[i] == '\n') {
        out.add(new int[] {start, i + 1});
        start = i + 1;
      }
    }
    if (start < in.length) {
      out.add(new int[] {start, in.length});
    }
    return out;
  }

  private static byte[] swap(byte[] in, int[] first, byte[] firstText, int[] second, byte[] secondText) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
    out.write(in, 0, first[0]);
    out.writeBytes(secondText);
    out.write(in, first[1], second[0] - first[1]);
    out.writeBytes(firstText);
    out.write(in, second[1], in.length - second[1]);
    return out.toByteArray();
  }

  // --- helpers ---

  static long interestingLong(SplittableRandom r) {
    return INTERESTING_LONGS[r.nextInt(INTERESTING_LONGS.length)];
  }

  static byte[] varint(long v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(10);
    ProtoTree.writeVarint(out, v);
    return out.toByteArray();
  }

  private static byte[] insert(byte[] in, int at, byte[] piece, int limit) {
    if (in.length + piece.length > limit) {
      return in;
    }
    byte[] out = new byte[in.length + piece.length];
    System.arraycopy(in, 0, out, 0, at);
    System.arraycopy(piece, 0, out, at, piece.length);
    System.arraycopy(in, at, out, at + piece.length, in.length - at);
    return out;
  }

  private static byte[] replace(byte[] in, int from, int to, byte[] piece, int limit) {
    byte[] out = concat(concat(Arrays.copyOf(in, from), piece), Arrays.copyOfRange(in, to, in.length));
    return out.length > limit ? in : out;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
