package io.flarestack.common.testing.fuzz;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.io.MemoryBudget;
import io.flarestack.common.io.RequestMemory;
import io.grpc.Context;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DynamicTest;

/**
 * A seeded, bounded mutation fuzzer for the decoders of untrusted input: each iteration mutates
 * one of a target's real seed inputs ({@link Mutator}) and runs the target on it inside a request
 * memory reservation, as the server's edge does. The contract checked is the project's rule for
 * bad input: the target returns (a valid result; targets check their own results) or throws a
 * {@link FlarestackException} whose HTTP status is 4xx. Anything else (another exception, a 5xx,
 * an {@link Error} such as a stack or heap overflow) is a finding, and so is an input that made
 * the target allocate far more than its size and what it reserved from the request's memory can
 * explain (a bounded, unreserved expansion: the heap a few such requests would take down).
 *
 * <p>Why not Jazzer: Jazzer's JUnit integration (0.24.0 and 0.30.0, tried here) fuzzes only in a
 * separate mode ({@code JAZZER_FUZZ=1}) in which it fuzzes one {@code @FuzzTest} per JVM and reports
 * the others skipped; without that mode it only replays stored inputs. Its libFuzzer seed is random
 * (a fixed one could not be passed through surefire), it writes crash files into
 * {@code src/test/resources} and a corpus into the module folder, its agent adds about 20 s and
 * 1.6 GB to the test JVM, and its comparison hooks report a false crash on the first real pprof:
 * they call {@code compareTo} on the keys of {@code ProtoGuard}'s identity map of field
 * descriptors, which protobuf refuses for fields of different messages. A fixed iteration budget
 * with a fixed seed keeps CI deterministic; coverage guidance is replaced by structure-aware
 * mutations and a pool of mutants that reached an outcome not seen before.
 *
 * <p>System properties (the long run, see {@code docs/fuzzing.md}): {@code fuzz.iterations} (per
 * target, instead of the test's own budget), {@code fuzz.duration} (e.g. {@code 30s}, {@code 10m}:
 * the time of one test's targets together, shared equally; a target stops at whichever of the two
 * comes first), {@code fuzz.seed},
 * {@code fuzz.target} (a regular expression on target names), {@code fuzz.replay} (a failure file
 * to run through the selected targets instead of fuzzing), {@code fuzz.failures} (the folder for
 * failing inputs, default {@code target/fuzz-failures}), {@code fuzz.memory} (the per-request
 * memory budget in bytes, default 256 MiB).
 *
 * <p>Single-threaded; each call runs one target.
 */
public final class Fuzzer {
  /** The default seed of the build's run. */
  public static final long DEFAULT_SEED = 0x5EED_F1A2_E57AL;
  private static final int POOL_LIMIT = 48;
  private static final long ALLOCATION_FLOOR = 256L << 20;
  private static final long ALLOCATION_FACTOR = 64;
  private static final com.sun.management.ThreadMXBean ALLOCATION =
      (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
  private static final int MINIMIZE_RUNS = 3000;
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");
  private static final Pattern WORD = Pattern.compile("[A-Za-z][A-Za-z_]{0,23}[:,]?|#|\"\"");
  private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'");

  /** Runs one input; see {@link Fuzzer} for what counts as a valid outcome. */
  @FunctionalInterface
  public interface Target {
    void run(byte[] input, Call call) throws Exception;
  }

  /** One run of a target: its request memory, and what the target says its valid outcome was. */
  public static final class Call {
    private final RequestMemory memory;
    private String outcome = "ok";

    Call(RequestMemory memory) {
      this.memory = memory;
    }

    /** The request's reservation, also {@link RequestMemory#current()} during the call. */
    public RequestMemory memory() {
      return memory;
    }

    /**
     * Names a valid outcome that is not an exception (an HTTP 4xx response and its message),
     * so that mutants reaching a new one are kept for further mutation.
     */
    public void outcome(int status, String message) {
      outcome = status + " " + normalize(message);
    }
  }

  /**
   * One fuzz target.
   *
   * @param name names failure files and dynamic tests ({@code [A-Za-z0-9._-]})
   * @param form picks the structure-aware mutations
   * @param seeds the real inputs mutations start from (not empty)
   * @param iterations the build's budget
   */
  public record Spec(String name, Mutator.Form form, List<byte[]> seeds, int iterations, Target target) {
    public Spec {
      requireNonNull(name, "name is null");
      requireNonNull(form, "form is null");
      seeds = List.copyOf(seeds);
      requireNonNull(target, "target is null");
      if (seeds.isEmpty()) {
        throw new IllegalArgumentException("target " + name + " has no seeds");
      }
      if (!name.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException("target name " + name + " is not usable in a file name");
      }
    }
  }

  /** A finding: the input, how it was made, and what it did. */
  public record Finding(String target, long seed, long iteration, byte[] input, List<String> ops, Throwable error,
      Path file, Path minimized) {}

  /** What a run did: iterations, outcome counts by kind, findings (one per distinct failure). */
  public record Report(String target, long iterations, long nanos, Map<String, Long> outcomes, List<Finding> findings) {}

  private final long seed;
  private final Long iterationsOverride;
  private final Long durationNanos;
  private final Pattern targetFilter;
  private final Path replay;
  private final Path failureDir;
  private final long memoryBytes;
  private final Mutator mutator;
  private String lastOutcome = "ok"; // what the last valid run did: "ok" or the 4xx and its message

  /** Configured from the system properties described above. */
  public static Fuzzer fromSystemProperties() {
    String iterations = System.getProperty("fuzz.iterations");
    String duration = System.getProperty("fuzz.duration");
    String filter = System.getProperty("fuzz.target");
    String replay = System.getProperty("fuzz.replay");
    return new Fuzzer(Long.getLong("fuzz.seed", DEFAULT_SEED),
        iterations == null || iterations.isBlank() ? null : Long.parseLong(iterations.strip()),
        duration == null || duration.isBlank() ? null : parseDuration(duration.strip()),
        filter == null || filter.isBlank() ? null : Pattern.compile(filter),
        replay == null || replay.isBlank() ? null : Path.of(replay),
        Path.of(System.getProperty("fuzz.failures", "target/fuzz-failures")),
        Long.getLong("fuzz.memory", 256L << 20));
  }

  public Fuzzer(long seed, Long iterationsOverride, Long durationNanos, Pattern targetFilter, Path replay,
      Path failureDir, long memoryBytes) {
    this.seed = seed;
    this.iterationsOverride = iterationsOverride;
    this.durationNanos = durationNanos;
    this.targetFilter = targetFilter;
    this.replay = replay;
    this.failureDir = requireNonNull(failureDir, "failureDir is null");
    this.memoryBytes = memoryBytes;
    this.mutator = new Mutator(64 << 10);
  }

  /** Whether a long run was asked for (iterations or duration set). */
  public boolean isLongRun() {
    return iterationsOverride != null || durationNanos != null;
  }

  /** Dynamic tests for the targets the filter selects, each failing with its findings. */
  public List<DynamicTest> tests(List<Spec> specs) {
    List<Spec> selected = specs.stream()
        .filter(s -> targetFilter == null || targetFilter.matcher(s.name()).find()).toList();
    // fuzz.duration is the whole test's: its targets share it equally.
    Long share = durationNanos == null || selected.isEmpty() ? null : durationNanos / selected.size();
    List<DynamicTest> out = new ArrayList<>();
    for (Spec s : selected) {
      out.add(DynamicTest.dynamicTest(s.name(), () -> check(run(s, share))));
    }
    return out;
  }

  /** Fails with every finding's reproduction and cause. */
  public static void check(Report report) {
    if (report.findings().isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder();
    sb.append(report.findings().size()).append(" finding(s) in fuzz target ").append(report.target())
        .append(" after ").append(report.iterations()).append(" iterations:");
    for (Finding f : report.findings()) {
      sb.append("\n- ").append(describe(f.error())).append("\n  seed ").append(f.seed()).append(", iteration ")
          .append(f.iteration()).append(", mutations ").append(f.ops()).append("\n  input (").append(f.input().length)
          .append(" bytes) written to ").append(f.file());
      if (f.minimized() != null) {
        sb.append(", minimized to ").append(f.minimized());
      }
      sb.append("\n  reproduce: -Dfuzz.target='^").append(report.target()).append("$' -Dfuzz.replay=")
          .append(f.file().toAbsolutePath()).append("\n  (or -Dfuzz.seed=").append(f.seed())
          .append(" -Dfuzz.iterations=").append(f.iteration() + 1).append(")");
    }
    AssertionError e = new AssertionError(sb.toString(), report.findings().get(0).error());
    for (int i = 1; i < report.findings().size(); i++) {
      e.addSuppressed(report.findings().get(i).error());
    }
    throw e;
  }

  /** Runs one target: the replay file when one is set, else the fuzz loop (for all of fuzz.duration). */
  public Report run(Spec spec) {
    return run(spec, durationNanos);
  }

  private Report run(Spec spec, Long durationNanos) {
    if (replay != null) {
      return replay(spec);
    }
    long iterations = iterationsOverride != null ? iterationsOverride
        : durationNanos != null ? Long.MAX_VALUE : spec.iterations();
    long start = System.nanoTime();
    long deadline = durationNanos == null ? Long.MAX_VALUE : start + durationNanos;
    List<byte[]> pool = new ArrayList<>(spec.seeds());
    int fixedSeeds = pool.size();
    int next = 0; // the pool slot replaced next once the pool is full
    Map<String, Long> outcomes = new LinkedHashMap<>();
    Map<String, Finding> findings = new LinkedHashMap<>();
    Watchdog watchdog = isLongRun() ? Watchdog.start(spec.name(), failureDir) : null;
    long i = 0;
    try {
      for (; i < iterations && (durationNanos == null || System.nanoTime() < deadline); i++) {
        SplittableRandom r = new SplittableRandom(mix(seed, spec.name().hashCode(), i));
        // Every seed unchanged first, then mutants.
        byte[] base = pool.get(i < fixedSeeds ? (int) i : r.nextInt(pool.size()));
        Mutator.Mutant m = i < fixedSeeds ? new Mutator.Mutant(base, List.of("seed")) : mutator.mutate(base,
            spec.form(), pool, r);
        if (watchdog != null) {
          watchdog.starting(i, m.bytes());
        }
        Throwable failure = runOnce(spec.target(), m.bytes());
        String outcome = failure == null ? lastOutcome : "FAIL " + signature(failure);
        boolean isNew = outcomes.merge(outcome, 1L, Long::sum) == 1L;
        if (failure != null) {
          String sig = signature(failure);
          if (!findings.containsKey(sig)) {
            findings.put(sig, record(spec, i, m, failure));
          }
          if (!isLongRun()) {
            i++; // this iteration counts
            break;
          }
        } else if (isNew && i >= fixedSeeds) {
          // Mutants that reached an outcome not seen before are mutated further.
          if (pool.size() < fixedSeeds + POOL_LIMIT) {
            pool.add(m.bytes());
          } else {
            pool.set(fixedSeeds + next, m.bytes());
            next = (next + 1) % POOL_LIMIT;
          }
        }
      }
    } finally {
      if (watchdog != null) {
        watchdog.stop();
      }
    }
    Report report = new Report(spec.name(), i, System.nanoTime() - start, outcomes, List.copyOf(findings.values()));
    print(report);
    return report;
  }

  private Report replay(Spec spec) {
    byte[] input;
    try {
      input = Files.readAllBytes(replay);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long start = System.nanoTime();
    Throwable failure = runOnce(spec.target(), input);
    List<Finding> findings = failure == null ? List.of()
        : List.of(new Finding(spec.name(), seed, 0, input, List.of("replay " + replay), failure, replay, null));
    Report report = new Report(spec.name(), 1, System.nanoTime() - start,
        Map.of(failure == null ? lastOutcome : "FAIL " + signature(failure), 1L), findings);
    print(report);
    return report;
  }

  // Null when the outcome is valid (lastOutcome then names it), else what went wrong.
  private Throwable runOnce(Target target, byte[] input) {
    MemoryBudget budget = new MemoryBudget(memoryBytes);
    long allocatedBefore = ALLOCATION.getCurrentThreadAllocatedBytes();
    long held = 0;
    Throwable failure = null;
    try (RequestMemory memory = budget.open()) {
      Context context = memory.attachTo(Context.ROOT);
      Context previous = context.attach();
      try {
        Call call = new Call(memory);
        target.run(input, call);
        lastOutcome = call.outcome;
      } catch (FlarestackException e) {
        if (e.httpStatus() >= 400 && e.httpStatus() < 500) {
          lastOutcome = e.httpStatus() + " " + normalize(e.getMessage());
        } else {
          failure = e;
        }
      } finally {
        held = memory.held();
        context.detach(previous);
      }
    } catch (Throwable t) { // every other exception and error is a finding
      failure = t;
    }
    if (failure == null) {
      failure = amplification(input.length, held, ALLOCATION.getCurrentThreadAllocatedBytes() - allocatedBefore);
    }
    return failure;
  }

  /**
   * A finding when one input made the decoder allocate far more than the input and what it
   * reserved from the request's memory can explain: a small body that expands into gigabytes
   * passes every size limit and still takes the heap down. Allocation counts no time and does not
   * depend on the machine, so this check is as deterministic as the run.
   */
  private AssertionError amplification(int inputBytes, long reserved, long allocated) {
    long allowed = ALLOCATION_FLOOR + ALLOCATION_FACTOR * (inputBytes + reserved);
    if (allocated <= allowed) {
      return null;
    }
    return finding(String.format("memory amplification: the input of %d bytes made the decoder allocate %d bytes while"
        + " it reserved %d bytes of the request's memory (allowed: %d + %d per input or reserved byte)", inputBytes,
        allocated, reserved, ALLOCATION_FLOOR, ALLOCATION_FACTOR));
  }

  /**
   * The failure a target reports for an outcome it must not have (a 5xx response, a result that
   * breaks its contract).
   */
  public static AssertionError finding(String what) {
    return new AssertionError(what);
  }

  private Finding record(Spec spec, long iteration, Mutator.Mutant m, Throwable failure) {
    Path file = write(spec.name(), m.bytes(), "");
    Path minimized = null;
    byte[] small = minimize(spec.target(), m.bytes(), signature(failure));
    if (small.length < m.bytes().length) {
      minimized = write(spec.name(), small, ".min");
    }
    return new Finding(spec.name(), seed, iteration, m.bytes(), m.ops(), failure, file, minimized);
  }

  // Deletes ever smaller chunks while the same failure (class and place) still happens.
  private byte[] minimize(Target target, byte[] input, String signature) {
    byte[] best = input;
    int runs = 0;
    for (int chunk = Math.max(1, best.length / 2); chunk >= 1 && runs < MINIMIZE_RUNS; chunk /= 2) {
      for (int at = 0; at < best.length && runs < MINIMIZE_RUNS; ) {
        int end = Math.min(best.length, at + chunk);
        byte[] candidate = Mutator.concat(java.util.Arrays.copyOf(best, at), java.util.Arrays.copyOfRange(best, end,
            best.length));
        runs++;
        Throwable t = runOnce(target, candidate);
        if (t != null && signature(t).equals(signature)) {
          best = candidate;
        } else {
          at += chunk;
        }
      }
    }
    return best;
  }

  private Path write(String name, byte[] input, String suffix) {
    try {
      Files.createDirectories(failureDir);
      Path file = failureDir.resolve(name + "-" + hash(input) + suffix + ".bin");
      Files.write(file, input);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first 12 hex digits of the input's SHA-256. */
  public static String hash(byte[] input) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(input)).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The kind of a failure: its class and the first frame in project code (or the first frame). */
  static String signature(Throwable t) {
    Throwable root = t;
    StackTraceElement where = null;
    for (StackTraceElement e : root.getStackTrace()) {
      if (e.getClassName().startsWith("io.flarestack.") && !e.getClassName().startsWith("io.flarestack.api.")) {
        where = e;
        break;
      }
    }
    if (where == null && root.getStackTrace().length > 0) {
      where = root.getStackTrace()[0];
    }
    String message = t instanceof AssertionError || t instanceof FlarestackException ? " " + normalize(t.getMessage())
        : "";
    return t.getClass().getName() + (where == null ? "" : " at " + where) + message;
  }

  private static String normalize(String message) {
    if (message == null) {
      return "";
    }
    // What the input said (quoted values, numbers, and mostly the words after the first few) is
    // left out: the kind of outcome remains.
    String head = message.length() > 300 ? message.substring(0, 300) : message; // bounds the regular expressions
    String m = DIGITS.matcher(QUOTED.matcher(head).replaceAll("\"\"")).replaceAll("#");
    StringBuilder out = new StringBuilder();
    int kept = 0;
    for (String w : m.split("\\s+")) {
      if (kept < 5 && WORD.matcher(w).matches()) {
        out.append(kept++ > 0 ? " " : "").append(w);
      }
    }
    return out.toString();
  }

  private static String describe(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    String[] lines = w.toString().split("\n");
    return java.util.Arrays.stream(lines).limit(14).collect(Collectors.joining("\n    "));
  }

  private void print(Report r) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("fuzz %s: %d iterations, %d ms, %d outcome kinds, %d finding(s)", r.target(),
        r.iterations(), r.nanos() / 1_000_000, r.outcomes().size(), r.findings().size()));
    if (isLongRun()) {
      r.outcomes().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
          .forEach(e -> sb.append(String.format("%n  %8d  %s", e.getValue(), e.getKey())));
    }
    System.out.println(sb);
  }

  // A well-mixed seed per (run seed, target, iteration): any iteration can be made again alone.
  static long mix(long seed, long target, long iteration) {
    long z = seed + 0x9E3779B97F4A7C15L * (target + 1) + 0xBF58476D1CE4E5B9L * iteration;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Parses {@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h} (a bare number is seconds) into nanoseconds. */
  static long parseDuration(String text) {
    var m = Pattern.compile("([0-9]+)\\s*(ms|s|m|h)?").matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("fuzz.duration " + text + " is not a duration like 30s, 10m or 1h");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> n * 1_000_000L;
      case "s" -> n * 1_000_000_000L;
      case "m" -> n * 60_000_000_000L;
      default -> n * 3_600_000_000_000L;
    };
  }

  /**
   * In the long run, writes the input of an iteration that has run for more than
   * {@code fuzz.hangSeconds} (default 60) to the failure folder and says so, once per iteration:
   * a hang cannot be interrupted, but its input must not be lost. It reports; it does not fail the
   * run.
   */
  private static final class Watchdog {
    private final Thread thread;
    private volatile long iteration = -1;
    private volatile long startedNanos;
    private volatile byte[] input;
    private volatile boolean stopped;

    private Watchdog(String target, Path dir) {
      long limit = Long.getLong("fuzz.hangSeconds", 60) * 1_000_000_000L;
      this.thread = new Thread(() -> {
        long reported = -1;
        while (!stopped) {
          LockSupport.parkNanos(1_000_000_000L);
          long it = iteration;
          if (it >= 0 && it != reported && System.nanoTime() - startedNanos > limit) {
            reported = it;
            byte[] in = input;
            try {
              Files.createDirectories(dir);
              Path file = dir.resolve(target + "-" + hash(in) + ".slow.bin");
              Files.write(file, in);
              System.out.println("fuzz " + target + ": iteration " + it + " has run for more than " + limit / 1_000_000_000L
                  + " s; its input is in " + file);
            } catch (IOException e) {
              System.out.println("fuzz " + target + ": cannot write the slow input: " + e);
            }
          }
        }
      }, "fuzz-watchdog-" + target);
      thread.setDaemon(true);
    }

    static Watchdog start(String target, Path dir) {
      Watchdog w = new Watchdog(target, dir);
      w.thread.start();
      return w;
    }

    void starting(long it, byte[] in) {
      input = in;
      startedNanos = System.nanoTime();
      iteration = it;
    }

    void stop() {
      stopped = true;
      LockSupport.unpark(thread);
    }
  }
}
