package io.flarestack.ingester.testing;

import io.flarestack.api.google.v1.Profile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Real profiles from the shared test data ({@code ../shared/testdata} or /work/shared/testdata). */
public final class TestData {
  private TestData() {}

  public static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      Path candidate = p.resolveSibling("shared").resolve("testdata");
      if (Files.isDirectory(candidate.resolve("pprof"))) {
        return candidate;
      }
    }
    Path fallback = Path.of("/work/shared/testdata");
    if (!Files.isDirectory(fallback)) {
      throw new IllegalStateException("shared test data not found from " + dir + " nor at " + fallback);
    }
    return fallback;
  }

  /** Reads a pprof, gunzipping it when it starts with the gzip magic bytes. */
  public static Profile pprof(String relativePath) {
    try {
      byte[] bytes = Files.readAllBytes(root().resolve(relativePath));
      if (bytes.length > 1 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
          bytes = in.readAllBytes();
        }
      }
      return Profile.parseFrom(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
