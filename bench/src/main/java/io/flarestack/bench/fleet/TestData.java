package io.flarestack.bench.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Finds the shared real profiles ({@code shared/testdata}): the system property
 * {@code flarestack.testdata}, else the environment variable {@code FLARESTACK_TESTDATA}, else the
 * first {@code shared/testdata} found walking up from the working directory (a worktree sits
 * beside {@code shared/}). Stateless.
 */
public final class TestData {
  private TestData() {}

  /** The testdata root. @throws IllegalStateException when it cannot be found */
  public static Path root() {
    String prop = System.getProperty("flarestack.testdata");
    if (prop == null || prop.isEmpty()) {
      prop = System.getenv("FLARESTACK_TESTDATA");
    }
    if (prop != null && !prop.isEmpty()) {
      return Paths.get(prop);
    }
    for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared").resolve("testdata");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("shared/testdata not found above " + Paths.get("").toAbsolutePath()
        + "; set -Dflarestack.testdata=<dir> or FLARESTACK_TESTDATA");
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
