package io.flarestack.objstore;

import static java.util.Objects.requireNonNull;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes through exactly the {@code length} bytes an upload declared and fails when the source
 * yields fewer or more, so no backend stores a truncated object under a complete-looking key.
 * Not thread-safe.
 */
public final class ExactLengthInputStream extends FilterInputStream {
  private final String key;
  private final long length;
  private long remaining;

  public ExactLengthInputStream(String key, InputStream in, long length) {
    super(requireNonNull(in, "in is null"));
    if (length < 0) {
      throw new IllegalArgumentException("upload of \"" + key + "\": length " + length + " must not be negative");
    }
    this.key = key;
    this.length = length;
    this.remaining = length;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (remaining == 0) {
      if (in.read() >= 0) {
        throw new IOException("upload of \"" + key + "\": the data is longer than the declared " + length + " bytes");
      }
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, remaining));
    if (n < 0) {
      throw new IOException("upload of \"" + key + "\": the data ended after " + (length - remaining)
          + " of the declared " + length + " bytes");
    }
    remaining -= n;
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    throw new IOException("skip is not supported on upload data");
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(in.available(), remaining);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readlimit) {}

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset is not supported on upload data");
  }
}
