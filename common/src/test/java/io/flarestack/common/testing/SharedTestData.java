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
 * The repository's test data ({@code testdata/} at the repository root, see its README for where
 * each file comes from and under which licence) for every module's tests: the folder, its files'
 * bytes and text, and its pprofs parsed straight with protobuf (no Flarestack code in between, so
 * they can serve as independent expectations). Also the gzip helpers the tests need around those
 * files. Nothing outside the repository is read. Stateless and thread-safe.
 */
public final class SharedTestData {
  private SharedTestData() {}

  /**
   * The repository's {@code testdata/} folder, found from the working directory: the directory
   * itself when it is the repository root, else its parent (Maven runs each module's tests in the
   * module directory, one level below the root).
   *
   * @throws IllegalStateException when neither holds {@code testdata/README.md}
   */
  public static Path root() {
    return locate();
  }

  /**
   * A file below the testdata folder.
   *
   * @throws IllegalArgumentException when the path leads outside the testdata folder
   * @throws IllegalStateException when it does not exist, so that a typo fails loudly
   */
  public static Path path(String relative) {
    requireNonNull(relative, "relative is null");
    Path root = root();
    Path p = root.resolve(relative).normalize();
    if (!p.startsWith(root)) {
      throw new IllegalArgumentException("test data path " + relative + " leads outside " + root);
    }
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
    Path dir = root().resolve("pprof");
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
    Path cwd = Path.of("").toAbsolutePath();
    List<Path> tried = new ArrayList<>();
    for (Path dir : cwd.getParent() == null ? List.of(cwd) : List.of(cwd, cwd.getParent())) {
      Path candidate = dir.resolve("testdata");
      if (Files.isRegularFile(candidate.resolve("README.md"))) {
        return candidate;
      }
      tried.add(candidate);
    }
    throw new IllegalStateException("the repository's test data folder was not found: tried " + tried
        + "; run the tests from the repository root or a module directory (as Maven does)");
  }
}
