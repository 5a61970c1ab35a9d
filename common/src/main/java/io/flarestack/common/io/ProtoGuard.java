package io.flarestack.common.io;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.flarestack.common.errors.FlarestackException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Walks a protobuf message in its wire form, before anything is parsed, and answers what parsing
 * it would cost: an upper estimate of the heap protobuf-java's generated classes take for it
 * (every message, list slot, string, byte string and unknown field), while counting the elements
 * of chosen fields (series, profiles, samples...) across the whole message and refusing the moment
 * a count passes its limit. The walk itself allocates nothing per element, so a request made of
 * millions of empty messages or unknown fields is refused for what it would cost, not after the
 * heap has paid for it.
 *
 * <p>Malformed wire data (truncation, a length past its message, a bad tag, nesting deeper than
 * protobuf-java's recursion limit of {@value #MAX_DEPTH}) is refused as invalid_argument; groups
 * (proto2 only) are refused too. A field whose wire type does not match its declaration is
 * counted as an unknown field, as protobuf-java stores it.
 *
 * <p>Immutable and thread-safe once built.
 */
public final class ProtoGuard {
  /** protobuf-java's default recursion limit. */
  public static final int MAX_DEPTH = 100;

  // Conservative per-object costs for a 64-bit JVM with compressed references.
  private static final long MESSAGE_BASE = 24;
  private static final long PER_FIELD = 8;
  private static final long LIST_BASE = 64; // a list object and its array, charged per repeated field present
  static final long SLOT = 8; // a list slot, with room for growth
  private static final long STRING_BASE = 48; // String + its array; characters cost 2 bytes (UTF-16 at worst)
  private static final long BYTES_BASE = 40;
  private static final long UNKNOWN_FIELD = 64;
  static final long MAP_ENTRY = 48; // the map's node for an entry

  private final Descriptor root;
  private final Map<FieldDescriptor, Integer> limitIndex;
  private final long[] maxima;
  private final List<LongFunction<? extends RuntimeException>> errors;
  private final Map<Descriptor, Long> messageCost;
  private final JsonWalk json;

  private ProtoGuard(Builder b) {
    this.root = b.root;
    this.limitIndex = new IdentityHashMap<>(b.limitIndex);
    this.maxima = b.maxima.stream().mapToLong(Long::longValue).toArray();
    this.errors = List.copyOf(b.errors);
    this.messageCost = new IdentityHashMap<>();
    costs(root, messageCost);
    this.json = new JsonWalk(this);
  }

  /** A guard for messages of type {@code root}. */
  public static Builder builder(Descriptor root) {
    return new Builder(root);
  }

  /** The message type this guard walks. */
  public Descriptor root() {
    return root;
  }

  /**
   * Walks {@code data} and reserves what parsing it will cost from {@code memory}.
   *
   * @param what names the data in messages, e.g. "the push request"
   * @return the reserved estimate, in bytes
   * @throws FlarestackException invalid_argument when the data is not a well-formed message or a
   *     field's count passes its limit (the limit's own exception), or what {@link RequestMemory#reserve}
   *     throws when the request may not hold that much
   */
  public long check(ByteBuffer data, RequestMemory memory, String what) {
    long cost = estimate(data, memory.available());
    memory.reserve(cost, "decoding " + what);
    return cost;
  }

  /** As {@link #check(ByteBuffer, RequestMemory, String)}. */
  public long check(byte[] data, RequestMemory memory, String what) {
    return check(ByteBuffer.wrap(data), memory, what);
  }

  /** As {@link #check(ByteBuffer, RequestMemory, String)}. */
  public long check(ByteString data, RequestMemory memory, String what) {
    return check(data.asReadOnlyByteBuffer(), memory, what);
  }

  /**
   * As {@link #check(ByteBuffer, RequestMemory, String)} with other maxima for this one check
   * (per-tenant limits), one per {@link Builder#limit} in the order they were added.
   *
   * @throws IllegalArgumentException when the number of maxima differs from the number of limits
   */
  public long check(ByteString data, RequestMemory memory, String what, long... maxima) {
    if (maxima.length != this.maxima.length) {
      throw new IllegalArgumentException("expected " + this.maxima.length + " maxima, got " + maxima.length);
    }
    long cost = new Walk(data.asReadOnlyByteBuffer(), memory.available(), new Counter(maxima)).run();
    memory.reserve(cost, "decoding " + what);
    return cost;
  }

  /**
   * As {@link #check(ByteBuffer, RequestMemory, String)} for the proto3 JSON form of the message
   * (what protobuf-java's {@code JsonFormat} parses). Also refuses what that parser accepts
   * leniently: invalid UTF-8, lone surrogates, a root that is not one object, data after it.
   */
  public long checkJson(byte[] body, RequestMemory memory, String what) {
    long cost = estimateJson(body, memory.available());
    memory.reserve(cost, "decoding " + what);
    return cost;
  }

  /**
   * The estimated heap of the parsed message, or a value above {@code stopAbove} as soon as the
   * estimate passes it (the rest is not walked).
   */
  public long estimate(ByteBuffer data, long stopAbove) {
    return new Walk(data.duplicate(), stopAbove, new Counter()).run();
  }

  /** As {@link #estimate(ByteBuffer, long)} for the JSON form. */
  public long estimateJson(byte[] body, long stopAbove) {
    return json.estimate(body, stopAbove, new Counter());
  }

  long messageCost(Descriptor type) {
    return messageCost.get(type);
  }

  /** Counts the limited fields' elements of one message and throws when one passes its limit. */
  final class Counter {
    private final long[] max;
    private final long[] counts = new long[maxima.length];

    Counter() {
      this(maxima);
    }

    Counter(long[] max) {
      this.max = max;
    }

    void count(FieldDescriptor f, long n) {
      Integer i = limitIndex.get(f);
      if (i != null) {
        counts[i] += n;
        if (counts[i] > max[i]) {
          throw errors.get(i).apply(counts[i]);
        }
      }
    }
  }

  private static void costs(Descriptor type, Map<Descriptor, Long> out) {
    if (out.containsKey(type)) {
      return;
    }
    out.put(type, MESSAGE_BASE + PER_FIELD * type.getFields().size());
    for (FieldDescriptor f : type.getFields()) {
      if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        costs(f.getMessageType(), out);
      }
    }
  }

  private final class Walk {
    private final ByteBuffer buf;
    private final long stopAbove;
    private final Counter counter;
    private final Descriptor[] types = new Descriptor[MAX_DEPTH + 1];
    private final int[] ends = new int[MAX_DEPTH + 1];
    // The field read last in each open message: encoders write a repeated field's elements
    // together, so a new list is charged when the field changes.
    private final int[] last = new int[MAX_DEPTH + 1];
    private int pos;
    private long cost;

    Walk(ByteBuffer buf, long stopAbove, Counter counter) {
      this.buf = buf;
      this.stopAbove = stopAbove;
      this.counter = counter;
      this.pos = buf.position();
    }

    long run() {
      int depth = 0;
      types[0] = root;
      ends[0] = buf.limit();
      cost = messageCost.get(root);
      while (true) {
        if (cost > stopAbove) {
          return cost;
        }
        if (pos == ends[depth]) {
          if (depth == 0) {
            return cost;
          }
          depth--;
          continue;
        }
        int tag = varint32(ends[depth]);
        int number = tag >>> 3;
        int wire = tag & 7;
        if (number == 0) {
          throw malformed("a field has number 0");
        }
        FieldDescriptor f = types[depth].findFieldByNumber(number);
        if (f == null || !matches(f, wire)) {
          unknown(wire, ends[depth]);
          continue;
        }
        if (f.isRepeated() && last[depth] != number) {
          cost += LIST_BASE;
        }
        last[depth] = number;
        if (wire == 2) {
          int len = length(ends[depth]);
          if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            counter.count(f, 1);
            Descriptor type = f.getMessageType();
            cost += messageCost.get(type) + (f.isRepeated() ? SLOT : 0) + (f.isMapField() ? MAP_ENTRY : 0);
            if (depth + 1 > MAX_DEPTH) {
              throw malformed("messages are nested more than " + MAX_DEPTH + " deep");
            }
            depth++;
            types[depth] = type;
            ends[depth] = pos + len;
            last[depth] = 0;
            continue;
          }
          if (f.getJavaType() == FieldDescriptor.JavaType.STRING) {
            counter.count(f, 1);
            cost += STRING_BASE + 2L * len + (f.isRepeated() ? SLOT : 0);
          } else if (f.getJavaType() == FieldDescriptor.JavaType.BYTE_STRING) {
            counter.count(f, 1);
            cost += BYTES_BASE + len + (f.isRepeated() ? SLOT : 0);
          } else { // packed scalars
            long n = packedCount(f, pos, len);
            counter.count(f, n);
            cost += n * (elementSize(f) + elementSize(f) / 2);
          }
          pos += len;
          continue;
        }
        skipScalar(wire, ends[depth]);
        counter.count(f, 1);
        if (f.isRepeated()) {
          cost += elementSize(f) + elementSize(f) / 2;
        }
      }
    }

    private void unknown(int wire, int end) {
      cost += UNKNOWN_FIELD;
      if (wire == 2) {
        int len = length(end);
        cost += len;
        pos += len;
      } else if (wire == 3 || wire == 4) {
        throw malformed("groups are not supported");
      } else {
        skipScalar(wire, end);
      }
    }

    private void skipScalar(int wire, int end) {
      switch (wire) {
        case 0 -> varint64(end);
        case 1 -> advance(8, end);
        case 5 -> advance(4, end);
        default -> throw malformed("a field has the invalid wire type " + wire);
      }
    }

    private long packedCount(FieldDescriptor f, int from, int len) {
      return switch (wireTypeOf(f)) {
        case 1 -> fixedCount(len, 8);
        case 5 -> fixedCount(len, 4);
        default -> {
          long n = 0;
          for (int i = from; i < from + len; i++) {
            if (buf.get(i) >= 0) { // the last byte of a varint has its high bit clear
              n++;
            }
          }
          if (len > 0 && buf.get(from + len - 1) < 0) {
            throw malformed("a packed field ends inside a varint");
          }
          yield n;
        }
      };
    }

    private long fixedCount(int len, int size) {
      if (len % size != 0) {
        throw malformed("a packed field of " + size + "-byte values has " + len + " bytes");
      }
      return len / size;
    }

    private void advance(int n, int end) {
      if (end - pos < n) {
        throw truncated();
      }
      pos += n;
    }

    private int length(int end) {
      long len = varint64(end);
      if (len < 0 || len > end - pos) {
        throw len < 0 || len > Integer.MAX_VALUE ? malformed("a length of " + len + " bytes is invalid") : truncated();
      }
      return (int) len;
    }

    private int varint32(int end) {
      long v = varint64(end);
      if (v >>> 32 != 0) {
        throw malformed("a tag is out of range");
      }
      return (int) v;
    }

    private long varint64(int end) {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw truncated();
        }
        byte b = buf.get(pos++);
        result |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          return result;
        }
      }
      throw malformed("a varint is longer than 10 bytes");
    }
  }

  private static boolean matches(FieldDescriptor f, int wire) {
    int expected = wireTypeOf(f);
    return wire == expected || (wire == 2 && f.isRepeated() && expected != 2);
  }

  private static int wireTypeOf(FieldDescriptor f) {
    return switch (f.getType()) {
      case DOUBLE, FIXED64, SFIXED64 -> 1;
      case FLOAT, FIXED32, SFIXED32 -> 5;
      case STRING, BYTES, MESSAGE -> 2;
      case GROUP -> 3;
      default -> 0;
    };
  }

  private static long elementSize(FieldDescriptor f) {
    return switch (f.getJavaType()) {
      case LONG, DOUBLE -> 8;
      case BOOLEAN -> 1;
      default -> 4;
    };
  }

  private FlarestackException truncated() {
    return malformed("the message is truncated (a field runs past the end of its message)");
  }

  private FlarestackException malformed(String why) {
    return FlarestackException.invalidArgument("invalid protobuf %s: %s", root.getFullName(), why);
  }

  /** Builds a {@link ProtoGuard}. Not thread-safe. */
  public static final class Builder {
    private final Descriptor root;
    private final Map<FieldDescriptor, Integer> limitIndex = new IdentityHashMap<>();
    private final List<Long> maxima = new ArrayList<>();
    private final List<LongFunction<? extends RuntimeException>> errors = new ArrayList<>();

    private Builder(Descriptor root) {
      this.root = requireNonNull(root, "root is null");
    }

    /**
     * Limits the elements of {@code field} in the whole message (all its occurrences under every
     * parent, packed values counted one by one).
     *
     * @param error makes the exception thrown when the count passes {@code max}; it gets the count
     *     reached (one past the limit)
     */
    public Builder limit(FieldDescriptor field, long max, LongFunction<? extends RuntimeException> error) {
      requireNonNull(field, "field is null");
      requireNonNull(error, "error is null");
      if (max < 0) {
        throw new IllegalArgumentException("limit of " + field.getFullName() + " must not be negative: " + max);
      }
      Integer existing = limitIndex.get(field);
      if (existing != null) {
        maxima.set(existing, max);
        errors.set(existing, error);
      } else {
        limitIndex.put(field, maxima.size());
        maxima.add(max);
        errors.add(error);
      }
      return this;
    }

    public ProtoGuard build() {
      return new ProtoGuard(this);
    }
  }
}
