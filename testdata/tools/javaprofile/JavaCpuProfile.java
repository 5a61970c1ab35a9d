import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Writes testdata/java/cpu.pb.gz: a Java CPU profile recorded by the JDK's own profiler (JDK
 * Flight Recorder, jdk.ExecutionSample every 10 ms) while a small workload runs on two threads,
 * converted to pprof the way Pyroscope stores Java CPU profiles: function names
 * {@code java/util/regex/Pattern$Slice.match} (class name with slashes, a dot, the method), one
 * location per (function, line), sample type cpu/nanoseconds worth 10 ms per JFR sample,
 * identical stacks summed. JDK only, no dependency. The file is committed; tests never run this.
 * Regenerate with
 *
 * <pre>cd testdata/tools/javaprofile && java JavaCpuProfile.java ../../java</pre>
 */
public final class JavaCpuProfile {
  private static final long PERIOD_NANOS = 10_000_000L;
  static volatile long sink;

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: java JavaCpuProfile.java OUTDIR");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    Files.createDirectories(out);
    Path jfr = Files.createTempFile("java-cpu", ".jfr");
    Instant start = Instant.now();
    try (Recording r = new Recording()) {
      r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
      r.start();
      Thread a = new Thread(() -> work(1, Duration.ofSeconds(20)), "worker-1");
      Thread b = new Thread(() -> work(2, Duration.ofSeconds(20)), "worker-2");
      a.start();
      b.start();
      a.join();
      b.join();
      r.stop();
      r.dump(jfr);
    }
    Duration took = Duration.between(start, Instant.now());
    byte[] pprof = toPprof(RecordingFile.readAllEvents(jfr), start, took);
    Files.delete(jfr);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
      z.write(pprof);
    }
    Files.write(out.resolve("cpu.pb.gz"), gz.toByteArray());
  }

  // ---- the workload: regular expressions, file system calls, big numbers, maps, compression

  static void work(long seed, Duration d) {
    Random rnd = new Random(seed);
    long deadline = System.nanoTime() + d.toNanos();
    while (System.nanoTime() < deadline) {
      next(rnd, 1 + rnd.nextInt(3));
    }
  }

  // The work is reached through a random walk over handler methods, so the profile has many
  // distinct stacks, as a real service's has.
  static void next(Random rnd, int depth) {
    if (depth == 0) {
      switch (rnd.nextInt(5)) {
        case 0 -> sink += regex(rnd);
        case 1 -> sink += files();
        case 2 -> sink += bigNumbers(rnd);
        case 3 -> sink += maps(rnd);
        default -> sink += compress(rnd);
      }
      return;
    }
    switch (rnd.nextInt(4)) {
      case 0 -> handleRequest(rnd, depth - 1);
      case 1 -> authorize(rnd, depth - 1);
      case 2 -> loadOrders(rnd, depth - 1);
      default -> renderPage(rnd, depth - 1);
    }
  }

  static void handleRequest(Random rnd, int depth) {
    next(rnd, depth);
  }

  static void authorize(Random rnd, int depth) {
    next(rnd, depth);
  }

  static void loadOrders(Random rnd, int depth) {
    next(rnd, depth);
  }

  static void renderPage(Random rnd, int depth) {
    next(rnd, depth);
  }

  static final Pattern LOG = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)\\s*");

  static long regex(Random rnd) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      line.append("key").append(rnd.nextInt(50)).append("=\"value ").append(i).append("\" ");
    }
    long n = 0;
    for (int i = 0; i < 20; i++) {
      Matcher m = LOG.matcher(line);
      while (m.find()) {
        n += m.group(1).length();
      }
    }
    return n;
  }

  static long files() {
    long n = 0;
    File dir = new File(System.getProperty("java.io.tmpdir"));
    for (int i = 0; i < 50; i++) {
      File f = new File(dir, "flarestack-profile-" + i);
      n += f.exists() ? 1 : 0;
      n += f.getAbsolutePath().length();
      n += new File(System.getProperty("java.home")).list().length;
    }
    return n;
  }

  static long bigNumbers(Random rnd) {
    BigInteger x = BigInteger.valueOf(rnd.nextInt(1000) + 2);
    for (int i = 0; i < 200; i++) {
      x = x.multiply(x).mod(BigInteger.ONE.shiftLeft(4096).subtract(BigInteger.ONE)).add(BigInteger.TWO);
    }
    return x.bitLength();
  }

  static long maps(Random rnd) {
    Map<String, List<Integer>> m = new HashMap<>();
    for (int i = 0; i < 50_000; i++) {
      m.computeIfAbsent("k" + rnd.nextInt(2000), k -> new ArrayList<>()).add(i);
    }
    return m.size();
  }

  static long compress(Random rnd) {
    byte[] in = new byte[256 << 10];
    for (int i = 0; i < in.length; i++) {
      in[i] = (byte) ('a' + rnd.nextInt(4));
    }
    Deflater d = new Deflater(6);
    d.setInput(in);
    d.finish();
    byte[] buf = new byte[64 << 10];
    long n = 0;
    while (!d.finished()) {
      n += d.deflate(buf);
    }
    d.end();
    return n;
  }

  // ---- JFR execution samples to pprof (profile.proto, encoded by hand)

  static byte[] toPprof(List<RecordedEvent> events, Instant start, Duration took) {
    Strings strings = new Strings();
    Map<String, Long> functions = new LinkedHashMap<>(); // name -> id
    Map<List<Object>, Long> locations = new LinkedHashMap<>(); // (function id, line) -> id
    Map<List<Long>, Long> stacks = new LinkedHashMap<>(); // location ids, leaf first -> value
    for (RecordedEvent e : events) {
      if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
        continue;
      }
      List<Long> stack = new ArrayList<>();
      for (RecordedFrame f : e.getStackTrace().getFrames()) { // top (leaf) first
        String name = f.getMethod().getType().getName().replace('.', '/') + "." + f.getMethod().getName();
        long fn = functions.computeIfAbsent(name, k -> (long) functions.size() + 1);
        long line = Math.max(f.getLineNumber(), 0);
        stack.add(locations.computeIfAbsent(List.of(fn, line), k -> (long) locations.size() + 1));
      }
      if (!stack.isEmpty()) {
        stacks.merge(stack, PERIOD_NANOS, Long::sum);
      }
    }
    Proto p = new Proto();
    long cpu = strings.id("cpu");
    long nanos = strings.id("nanoseconds");
    p.message(1, new Proto().varint(1, cpu).varint(2, nanos)); // sample_type
    for (Map.Entry<List<Long>, Long> s : stacks.entrySet()) {
      Proto sample = new Proto().packed(1, s.getKey()).packed(2, List.of(s.getValue()));
      p.message(2, sample);
    }
    for (Map.Entry<List<Object>, Long> l : locations.entrySet()) {
      Proto line = new Proto().varint(1, (Long) l.getKey().get(0)).varint(2, (Long) l.getKey().get(1));
      p.message(4, new Proto().varint(1, l.getValue()).message(4, line));
    }
    for (Map.Entry<String, Long> f : functions.entrySet()) {
      long name = strings.id(f.getKey());
      p.message(5, new Proto().varint(1, f.getValue()).varint(2, name).varint(3, name));
    }
    for (String s : strings.all) {
      p.bytes(6, s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    p.varint(9, start.getEpochSecond() * 1_000_000_000L + start.getNano());
    p.varint(10, took.toNanos());
    p.message(11, new Proto().varint(1, cpu).varint(2, nanos)); // period_type
    p.varint(12, PERIOD_NANOS);
    return p.out.toByteArray();
  }

  static final class Strings {
    final List<String> all = new ArrayList<>(List.of(""));
    final Map<String, Long> ids = new HashMap<>(Map.of("", 0L));

    long id(String s) {
      return ids.computeIfAbsent(s, k -> {
        all.add(k);
        return (long) all.size() - 1;
      });
    }
  }

  static final class Proto {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Proto varint(int field, long v) {
      if (v != 0) {
        raw(field << 3);
        raw(v);
      }
      return this;
    }

    Proto bytes(int field, byte[] b) {
      raw((field << 3) | 2);
      raw(b.length);
      out.writeBytes(b);
      return this;
    }

    Proto message(int field, Proto m) {
      return bytes(field, m.out.toByteArray());
    }

    Proto packed(int field, List<Long> vs) {
      Proto body = new Proto();
      vs.forEach(body::raw);
      return bytes(field, body.out.toByteArray());
    }

    void raw(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }
  }
}
