package io.flarestack.bench.jmh;

import io.flarestack.bench.fleet.TestData;
import io.flarestack.common.io.Gzip;
import io.flarestack.common.io.RequestMemory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Named sets of real pprof files from {@code testdata/}, as a client uploads them (gzipped
 * or raw, as stored). {@code mixed} is every profile of the testdata that Pyroscope accepts through
 * Push (the README's table), so it spans Go, Java, .NET, Node.js, Python, Ruby and Rust.
 *
 * @param name corpus name
 * @param files paths below the testdata root
 * @param payloads the files' bytes
 * @param rawBytes total decompressed (protobuf) bytes: the "raw" of MB/s raw
 * @param wireBytes total bytes as stored (gzip for most)
 */
public record Corpus(String name, List<String> files, List<byte[]> payloads, long rawBytes, long wireBytes) {
  static final String GO_CPU = "pprof/pkg-pprof/gotruncatefix/cpu_go_truncated_1.pb.gz";
  static final String GO_HEAP = "pprof/pkg-pprof/heap";
  static final String JAVA_CPU = "pprof/pkg-pprof/profile_java";
  static final List<String> MIXED = List.of(GO_CPU, GO_HEAP, JAVA_CPU,
      "pprof/pkg-pprof/heap_delta", "pprof/pkg-pprof/go.cpu.labels.pprof", "pprof/pkg-pprof/profile_nodejs",
      "pprof/pkg-pprof/profile_python", "pprof/pkg-pprof/profile_ruby", "pprof/pkg-pprof/profile_rust",
      "pprof/pkg-pprof/dotnet.labels.pprof", "pprof/pkg-pprof/single_group_with_optional_span_id.pb.gz",
      "pprof/og-convert-pprof/cpu.pb.gz", "pprof/og-convert-pprof/cpu-js.pb.gz", "pprof/og-convert-pprof/heap.pb.gz",
      "pprof/og-convert-pprof/heap-js.pprof", "pprof/og-convert-pprof/nodejs-heap.pb.gz",
      "pprof/og-convert-pprof/nodejs-wall.pb.gz", "pprof/og-convert-pprof/dotnet-pprof-211.pb.gz",
      "go/cpu.pb.gz");

  /** {@code go-cpu}, {@code go-heap}, {@code java-cpu} or {@code mixed}. */
  public static Corpus named(String name) {
    List<String> files = switch (name) {
      case "go-cpu" -> List.of(GO_CPU);
      case "go-heap" -> List.of(GO_HEAP);
      case "java-cpu" -> List.of(JAVA_CPU);
      case "mixed" -> MIXED;
      default -> throw new IllegalArgumentException("unknown corpus " + name + "; known: go-cpu, go-heap, java-cpu, mixed");
    };
    List<byte[]> payloads = new ArrayList<>();
    long raw = 0;
    long wire = 0;
    for (String f : files) {
      byte[] b = TestData.bytes(f);
      payloads.add(b);
      wire += b.length;
      raw += Gzip.isGzip(b) ? gunzip(b).length : b.length;
    }
    return new Corpus(name, List.copyOf(files), List.copyOf(payloads), raw, wire);
  }

  static byte[] gunzip(byte[] b) {
    try {
      return Gzip.gunzip(b, 256L << 20, RequestMemory.unbounded());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
