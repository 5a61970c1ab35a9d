package io.flarestack.common.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One golden file of the shared test data's {@code expected/jfr-pprof} (see its README): the pprof
 * Pyroscope returns for the recording {@code jfr/<input>.jfr.gz}, one profile type and one label
 * selector, named {@code <input>.jfr.gz.<profile type id, ':' as '_'>.<selector hash>.pb.gz}.
 *
 * @param name the file name
 * @param input the recording's name without {@code .jfr.gz}, also the service name it is ingested under
 * @param typeId the profile type id as the name spells it, e.g. {@code process_cpu_cpu_nanoseconds_cpu_nanoseconds}
 * @param thread the {@code thread_name} the selector hash stands for, {@code ""} for all samples,
 *     null when the README's table does not list the hash
 */
public record JfrGoldenFile(String name, String input, String typeId, String thread) {
  private static final String DIR = "expected/jfr-pprof";

  // The README's table of the label selectors behind the hashes in the file names.
  private static final Map<String, String> THREAD_BY_HASH = Map.of(
      "17241709254077376921", "",
      "2539015855607244867", "pool-2-thread-1",
      "6511396920643364271", "pool-2-thread-2",
      "5571933481434853072", "pool-2-thread-3",
      "10784330302778997279", "pool-2-thread-4",
      "16370823494798218517", "pool-2-thread-5",
      "14685508092873724845", "pool-2-thread-6",
      "15666661103234080825", "pool-2-thread-7",
      "302387572117411911", "pool-2-thread-8");

  /** Every golden file's name, sorted. */
  public static List<String> names() {
    try (Stream<Path> files = Files.list(SharedTestData.root().resolve(DIR))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The parts of a golden file's name.
   *
   * @throws IllegalArgumentException when the name does not have the golden files' shape
   */
  public static JfrGoldenFile parse(String name) {
    requireNonNull(name, "name is null");
    int jfr = name.indexOf(".jfr.gz.");
    if (jfr < 0 || !name.endsWith(".pb.gz")) {
      throw new IllegalArgumentException("not a JFR golden file name: " + name);
    }
    String input = name.substring(0, jfr);
    String rest = name.substring(jfr + ".jfr.gz.".length(), name.length() - ".pb.gz".length());
    int dot = rest.lastIndexOf('.');
    if (dot < 0) {
      throw new IllegalArgumentException("no selector hash in " + name);
    }
    return new JfrGoldenFile(name, input, rest.substring(0, dot), THREAD_BY_HASH.get(rest.substring(dot + 1)));
  }

  /** The file's bytes as stored (gzipped). */
  public byte[] bytes() {
    return SharedTestData.bytes(DIR + "/" + name);
  }
}
