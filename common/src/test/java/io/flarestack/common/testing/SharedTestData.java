package io.flarestack.common.testing;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flarestack.api.google.v1.Profile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The shared real test data ({@code shared/testdata}, see its README) for every module's tests:
 * the folder, its files' bytes and text, and its pprofs parsed straight with protobuf (no
 * Flarestack code in between, so they can serve as independent expectations). Also the gzip
 * helpers the tests need around those files. Stateless and thread-safe.
 */
public final class SharedTestData {
  private static final Path ROOT = locate();

  private SharedTestData() {}

  /**
   * The testdata folder: the system property {@code flarestack.testdata} or the environment
   * variable {@code FLARESTACK_TESTDATA} when set, else the first {@code shared/testdata} found
   * walking up from the working directory (a worktree sits below or beside {@code shared/}), else
   * {@code /work/shared/testdata}.
   *
   * @throws IllegalStateException when none of these holds the test data
   */
  public static Path root() {
    return ROOT;
  }

  /**
   * A file below the testdata folder.
   *
   * @throws IllegalStateException when it does not exist, so that a typo fails loudly
   */
  public static Path path(String relative) {
    requireNonNull(relative, "relative is null");
    Path p = ROOT.resolve(relative);
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException("missing test data file " + p);
    }
    return p;
  }

  /** A file's bytes as stored (gzipped files stay gzipped). */
  public static byte[] bytes(String relative) {
    try {
      return Files.readAllBytes(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A file's content as UTF-8 text. */
  public static String text(String relative) {
    return new String(bytes(relative), StandardCharsets.UTF_8);
  }

  /** A pprof below the testdata folder, gunzipped when it starts with the gzip magic, then parsed. */
  public static Profile pprof(String relative) {
    return PprofFacts.parse(bytes(relative));
  }

  /** One pprof input of {@link #pprofFiles()}. */
  public record PprofFile(String name, Path path, byte[] bytes, Profile profile) {
    /** The name made usable in label values and service names. */
    public String id() {
      return name.replaceAll("[^A-Za-z0-9_]", "_");
    }

    public int sampleTypeCount() {
      return profile.getSampleTypeCount();
    }

    public String sampleType(int i) {
      return profile.getStringTable((int) profile.getSampleType(i).getType());
    }

    public String sampleUnit(int i) {
      return profile.getStringTable((int) profile.getSampleType(i).getUnit());
    }
  }

  /**
   * Every pprof file under {@code pprof/} (not the {@code .json} sample-type configs), sorted by
   * path, named by the path below {@code pprof/}. {@code profile} is null where protobuf cannot
   * parse the file (invalid UTF-8 in the string table).
   */
  public static List<PprofFile> pprofFiles() {
    Path dir = ROOT.resolve("pprof");
    try (Stream<Path> files = Files.walk(dir)) {
      List<PprofFile> out = new ArrayList<>();
      for (Path p : files.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".json")).sorted().toList()) {
        byte[] bytes = Files.readAllBytes(p);
        Profile parsed;
        try {
          parsed = Profile.parseFrom(gunzipIfNeeded(bytes));
        } catch (InvalidProtocolBufferException e) {
          parsed = null;
        }
        out.add(new PprofFile(dir.relativize(p).toString(), p, bytes, parsed));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the bytes start with the gzip magic (1f 8b): the testdata's names do not tell. */
  public static boolean isGzip(byte[] data) {
    return data.length >= 2 && data[0] == (byte) 0x1f && data[1] == (byte) 0x8b;
  }

  /** The bytes gunzipped when they start with the gzip magic, else the same array. */
  public static byte[] gunzipIfNeeded(byte[] data) {
    return isGzip(data) ? gunzip(data) : data;
  }

  /**
   * The bytes gunzipped.
   *
   * @throws UncheckedIOException when they are not gzip, e.g. a response that should have been
   */
  public static byte[] gunzip(byte[] data) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static Path locate() {
    String configured = System.getProperty("flarestack.testdata");
    if (configured == null || configured.isEmpty()) {
      configured = System.getenv("FLARESTACK_TESTDATA");
    }
    if (configured != null && !configured.isEmpty()) {
      return checked(Path.of(configured));
    }
    Path start = Path.of("").toAbsolutePath();
    for (Path d = start; d != null; d = d.getParent()) {
      Path candidate = d.resolve("shared").resolve("testdata");
      if (Files.isDirectory(candidate.resolve("pprof"))) {
        return candidate;
      }
    }
    return checked(Path.of("/work/shared/testdata"));
  }

  private static Path checked(Path root) {
    if (!Files.isDirectory(root.resolve("pprof"))) {
      throw new IllegalStateException("shared test data not found at " + root + " (working directory "
          + Path.of("").toAbsolutePath() + "); set -Dflarestack.testdata=<dir>");
    }
    return root;
  }
}
