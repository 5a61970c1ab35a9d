package io.flarestack.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.zip.GZIPInputStream;

/** The shared test data (/work/shared/testdata), found above the working directory or absolutely. */
final class TestFiles {
  private static final Path ROOT = locate();

  private TestFiles() {}

  static Path path(String relative) {
    Path p = ROOT.resolve(relative);
    if (!Files.exists(p)) {
      throw new IllegalStateException("missing test data " + p);
    }
    return p;
  }

  static byte[] bytes(String relative) {
    try {
      return Files.readAllBytes(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] gunzip(byte[] data) {
    try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(data))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path locate() {
    for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path candidate = d.resolve("shared/testdata");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
      Path sibling = d.resolveSibling("shared").resolve("testdata");
      if (Files.isDirectory(sibling)) {
        return sibling;
      }
    }
    return Paths.get("/work/shared/testdata");
  }
}
