package io.flarestack.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A fresh directory for a test server's local storage (the ingester's write-ahead log and
 * blocks, the filesystem bucket), so servers never share or inherit data. Removed on close.
 */
public final class TempData implements AutoCloseable {
  private final Path dir;

  public TempData() {
    try {
      dir = Files.createTempDirectory("flarestack-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path dir() {
    return dir;
  }

  /** {@code flags} plus the storage flags pointing here, unless {@code flags} set them already. */
  public List<String> withStorageFlags(List<String> flags) {
    List<String> out = new ArrayList<>(flags);
    if (flags.stream().noneMatch(f -> f.startsWith("-pyroscopedb.data-path"))) {
      out.add("-pyroscopedb.data-path=" + dir.resolve("data"));
    }
    if (flags.stream().noneMatch(f -> f.startsWith("-storage.filesystem.dir"))) {
      out.add("-storage.filesystem.dir=" + dir.resolve("bucket"));
    }
    return out;
  }

  @Override
  public void close() {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A leftover temporary directory does not fail a test.
    }
  }
}
