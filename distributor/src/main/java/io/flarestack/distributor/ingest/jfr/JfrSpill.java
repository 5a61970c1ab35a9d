package io.flarestack.distributor.ingest.jfr;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.io.Gzip;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JFR recording written to a temporary file, because the JDK's reader only reads files. A
 * gzipped upload is inflated on the way, and the decompressed size is bounded while inflating, so
 * a gzip bomb stops at the limit. {@link #close()} deletes the file; a failed write deletes it
 * before throwing. Not thread-safe.
 */
final class JfrSpill implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JfrSpill.class);
  private static final int BUFFER = 64 << 10;

  private final Path path;
  private final long size;

  private JfrSpill(Path path, long size) {
    this.path = path;
    this.size = size;
  }

  /**
   * Writes {@code data} (gunzipped when it starts with the gzip magic) to a new file in {@code dir}.
   *
   * @throws JfrTooLargeException when the recording is larger than the limit
   * @throws FlarestackException invalid_argument when gzipped data does not inflate
   * @throws IOException when the file cannot be written
   */
  static JfrSpill write(byte[] data, Path dir, JfrConfig.SizeLimit limit) throws IOException {
    requireNonNull(data, "data is null");
    boolean gzip = Gzip.isGzip(data);
    if (!gzip && data.length > limit.bytes()) {
      throw tooLarge(data.length + " bytes", limit);
    }
    Path file = Files.createTempFile(dir, "flarestack-", ".jfr");
    boolean ok = false;
    try {
      long size = gzip ? inflate(data, file, limit) : copy(data, file);
      ok = true;
      return new JfrSpill(file, size);
    } finally {
      if (!ok) {
        delete(file);
      }
    }
  }

  Path path() {
    return path;
  }

  /** The decompressed size in bytes. */
  long size() {
    return size;
  }

  @Override
  public void close() {
    delete(path);
  }

  private static long copy(byte[] data, Path file) throws IOException {
    Files.write(file, data);
    return data.length;
  }

  private static long inflate(byte[] data, Path file, JfrConfig.SizeLimit limit) throws IOException {
    InputStream in;
    try {
      in = new GZIPInputStream(new ByteArrayInputStream(data), BUFFER);
    } catch (IOException e) {
      throw notGzip(e);
    }
    long total = 0;
    byte[] buf = new byte[BUFFER];
    try (in; OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        int n;
        try {
          n = in.read(buf);
        } catch (IOException e) {
          throw notGzip(e);
        }
        if (n < 0) {
          return total;
        }
        total += n;
        if (total > limit.bytes()) {
          throw tooLarge("more than " + limit.bytes() + " bytes decompressed", limit);
        }
        out.write(buf, 0, n);
      }
    }
  }

  private static FlarestackException notGzip(IOException e) {
    return FlarestackException.invalidArgument("the JFR recording is not valid gzip: %s", e.getMessage());
  }

  private static JfrTooLargeException tooLarge(String size, JfrConfig.SizeLimit limit) {
    return new JfrTooLargeException(String.format("the JFR recording is too large: %s, the limit is %d bytes (%s)",
        size, limit.bytes(), limit.source()));
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("could not delete the JFR spill file {}: {}", file, e.toString());
    }
  }
}
