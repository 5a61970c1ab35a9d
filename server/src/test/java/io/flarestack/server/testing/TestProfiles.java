package io.flarestack.server.testing;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Real profiles from the shared test data, and independent readings of them. */
public final class TestProfiles {
  private TestProfiles() {}

  public static Path root() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolveSibling("shared").resolve("testdata");
      if (Files.isDirectory(candidate.resolve("pprof"))) {
        return candidate;
      }
    }
    Path fallback = Path.of("/work/shared/testdata");
    if (!Files.isDirectory(fallback)) {
      throw new IllegalStateException("shared test data not found");
    }
    return fallback;
  }

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

  /** The sum of one sample type's values over all samples. */
  public static long total(Profile p, int valueIndex) {
    long t = 0;
    for (Sample s : p.getSampleList()) {
      t += s.getValue(valueIndex);
    }
    return t;
  }

  /** The index of the sample type named {@code type}, e.g. {@code cpu}. */
  public static int sampleType(Profile p, String type) {
    for (int i = 0; i < p.getSampleTypeCount(); i++) {
      if (p.getStringTable((int) p.getSampleType(i).getType()).equals(type)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no sample type " + type);
  }
}
