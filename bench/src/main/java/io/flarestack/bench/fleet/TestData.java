package io.flarestack.bench.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the repository's real profiles ({@code testdata/} at the repository root, see its README)
 * from the working directory: the directory itself when it is the repository root (as
 * {@code bench/run} starts the JVM), else its parent (a module directory, as Maven runs tests).
 * Nothing outside the checkout is read. Stateless.
 */
public final class TestData {
  private TestData() {}

  /** The testdata root. @throws IllegalStateException when it cannot be found */
  public static Path root() {
    Path cwd = Path.of("").toAbsolutePath();
    List<Path> tried = new ArrayList<>();
    for (Path dir : cwd.getParent() == null ? List.of(cwd) : List.of(cwd, cwd.getParent())) {
      Path candidate = dir.resolve("testdata");
      if (Files.isRegularFile(candidate.resolve("README.md"))) {
        return candidate;
      }
      tried.add(candidate);
    }
    throw new IllegalStateException("the repository's testdata folder was not found: tried " + tried
        + "; run from the repository root (bench/run does) or a module directory");
  }

  /** The bytes of a file below the root, as stored (gzipped files stay gzipped). */
  public static byte[] bytes(String relative) {
    try {
      return Files.readAllBytes(root().resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read testdata " + relative, e);
    }
  }
}
