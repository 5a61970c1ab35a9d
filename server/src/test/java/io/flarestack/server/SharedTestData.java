package io.flarestack.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** The shared test data ({@code shared/testdata} beside the repository, or /work/shared/testdata). */
final class SharedTestData {
  private static final Path ROOT = locate();

  private SharedTestData() {}

  static Path path(String relative) {
    Path p = ROOT.resolve(relative);
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException("missing test data file " + p);
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

  /** The bytes, gunzipped when they start with the gzip magic. */
  static byte[] gunzipped(byte[] data) {
    if (data.length < 2 || data[0] != (byte) 0x1f || data[1] != (byte) 0x8b) {
      return data;
    }
    try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(data))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static Path locate() {
    for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path sibling = d.resolveSibling("shared").resolve("testdata");
      if (Files.isDirectory(sibling)) {
        return sibling;
      }
    }
    return Paths.get("/work/shared/testdata");
  }
}
