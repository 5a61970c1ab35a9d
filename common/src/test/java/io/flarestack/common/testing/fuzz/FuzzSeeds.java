package io.flarestack.common.testing.fuzz;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import io.flarestack.common.testing.SharedTestData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Seed inputs for the fuzz targets, from the shared real test data ({@link SharedTestData}, by its
 * names, never by paths) and, for request types no client capture exists for, messages with every
 * field filled with plausible values. Stateless.
 */
public final class FuzzSeeds {
  /** The captured pprof uploads of the Node.js SDK. */
  public static final List<String> CAPTURED_PPROFS = List.of("captured/nodejs-0.6.4/heap-pprof.body",
      "captured/nodejs-0.6.4/wall-cpu-pprof.body");
  /**
   * Profiles written by Go's runtime/pprof and the JDK, in whichever of the test data's layouts is
   * present: the shared folder's captures, or the repository's own profiles that replace them.
   */
  private static final List<String> RUNTIME_PPROFS = List.of("captured/go-1.19-runtime-pprof/allocs.pb.gz",
      "captured/go-1.19-runtime-pprof/cpu-with-labels.pb.gz", "go/cpu.pb.gz", "go/heap.pb.gz", "java/cpu.pb.gz");
  /** Folded (collapsed) stack text: extracted fixtures and the Java agent 0.11.5 upload. */
  public static final List<String> FOLDED = List.of("folded/dump1.itimer.thread_name=pool-2-thread-1.folded",
      "folded/cortex-dev-01__kafka-0__cpu__0.cpu.folded", "captured/java-agent-0.11.5/collapsed-itimer.body");

  private FuzzSeeds() {}

  /**
   * Every pprof of the test data as stored (gzipped or not), the Node.js uploads and the Go and
   * Java runtime profiles, up to {@code maxBytes} each.
   */
  public static List<byte[]> pprofs(int maxBytes) {
    List<byte[]> out = new ArrayList<>();
    for (SharedTestData.PprofFile f : SharedTestData.pprofFiles()) {
      if (f.bytes().length <= maxBytes) {
        out.add(f.bytes());
      }
    }
    for (String name : CAPTURED_PPROFS) {
      byte[] b = SharedTestData.bytes(name);
      if (b.length <= maxBytes) {
        out.add(b);
      }
    }
    int runtime = 0;
    for (String name : RUNTIME_PPROFS) {
      if (java.nio.file.Files.isRegularFile(SharedTestData.root().resolve(name))) {
        runtime++;
        byte[] b = SharedTestData.bytes(name);
        if (b.length <= maxBytes) {
          out.add(b);
        }
      }
    }
    if (runtime == 0) {
      throw new IllegalStateException("none of " + RUNTIME_PPROFS + " is in the test data at " + SharedTestData.root());
    }
    return out;
  }

  /** The folded files, each cut to at most {@code maxBytes} at a line end. */
  public static List<byte[]> folded(int maxBytes) {
    List<byte[]> out = new ArrayList<>();
    for (String name : FOLDED) {
      out.add(cutAtLine(SharedTestData.bytes(name), maxBytes));
    }
    return out;
  }

  /** Stacks with counts of a folded text ("a;b;c 12" lines), in order. */
  public static Map<String, Long> stacks(byte[] folded) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String line : new String(folded, StandardCharsets.UTF_8).split("\n")) {
      int sp = line.lastIndexOf(' ');
      if (sp > 0) {
        try {
          out.merge(line.substring(0, sp), Long.parseLong(line.substring(sp + 1).strip()), Long::sum);
        } catch (NumberFormatException e) {
          // not a stack line
        }
      }
    }
    return out;
  }

  /** The first lines of {@code text} that fit in {@code maxBytes}. */
  public static byte[] cutAtLine(byte[] text, int maxBytes) {
    if (text.length <= maxBytes) {
      return text;
    }
    int end = maxBytes;
    while (end > 0 && text[end - 1] != '\n') {
      end--;
    }
    return java.util.Arrays.copyOf(text, end);
  }

  /**
   * A message of {@code type} with every field set (repeated fields and maps twice), nested
   * messages to {@code depth} levels. Strings are chosen by field name: selectors for
   * {@code *selector*}/{@code query}, a profile type ID for {@code profile_type*}, label names
   * for {@code *name*}; times are recent milliseconds.
   */
  public static Message filled(Descriptor type, int depth) {
    DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
    for (FieldDescriptor f : type.getFields()) {
      if (f.getRealContainingOneof() != null && b.hasOneof(f.getRealContainingOneof())) {
        continue;
      }
      if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && depth <= 0) {
        continue;
      }
      if (f.isRepeated()) {
        for (int i = 0; i < 2; i++) {
          b.addRepeatedField(f, value(f, depth, i));
        }
      } else {
        b.setField(f, value(f, depth, 0));
      }
    }
    return b.build();
  }

  private static Object value(FieldDescriptor f, int depth, int i) {
    String name = f.getName().toLowerCase(Locale.ROOT);
    return switch (f.getJavaType()) {
      case INT -> name.contains("max") || name.contains("limit") ? 1024 : 7 + i;
      case LONG -> name.equals("start") || name.equals("end") || name.contains("time")
          ? 1_700_000_000_000L + (name.equals("end") ? 3_600_000 : 0) + i : 16L + i;
      case FLOAT -> 0.5f + i;
      case DOUBLE -> 1.25 + i;
      case BOOLEAN -> true;
      case STRING -> string(name, i);
      case BYTE_STRING -> ByteString.copyFromUtf8("0123456789abcdef".substring(i, 8 + i));
      case ENUM -> {
        EnumDescriptor e = f.getEnumType();
        yield e.getValues().get(Math.min(e.getValues().size() - 1, 1 + i));
      }
      case MESSAGE -> filled(f.getMessageType(), depth - 1);
    };
  }

  private static String string(String field, int i) {
    if (field.contains("selector") || field.equals("query")) {
      return i == 0 ? "{service_name=\"checkout\", env=~\"prod|dev\"}"
          : "process_cpu:cpu:nanoseconds:cpu:nanoseconds{service_name!=\"\",pod!~\"db-.*\"}";
    }
    if (field.contains("profile_type") || field.contains("profiletype")) {
      return i == 0 ? "process_cpu:cpu:nanoseconds:cpu:nanoseconds" : "memory:alloc_space:bytes:space:bytes";
    }
    if (field.contains("name") || field.equals("key")) {
      return i == 0 ? "service_name" : "thread_name";
    }
    if (field.contains("id")) {
      return i == 0 ? "4e3a1c2d-9f7b-4a3e-8c2d-1f0e9d8c7b6a" : "00000000000000aa";
    }
    return i == 0 ? "checkout" : "pool-2-thread-1";
  }
}
