package io.flarestack.objstore;

import java.io.IOException;
import java.io.InputStream;

/**
 * Cuts upload data of a declared length into parts of at most {@code partSize} bytes, read one at
 * a time into a reusable buffer, for backends that upload large objects in parts (S3 multipart,
 * Azure block lists). Each part is fully in memory, so a retried part request can resend it, and
 * memory per upload is bounded by one part. Data shorter or longer than declared fails with an
 * {@link IOException} before the part that would reveal it is returned. Not thread-safe.
 */
public final class PartReader {
  private final InputStream in;
  private final long length;
  private final byte[] buffer;
  private long consumed;
  private int partLength;
  private boolean started;

  /**
   * @param key the object key, for messages
   * @param data the upload data
   * @param length the declared number of bytes
   * @param partSize the largest part; the buffer is {@code min(partSize, length)} bytes
   */
  public PartReader(String key, InputStream data, long length, int partSize) {
    if (partSize <= 0) {
      throw new IllegalArgumentException("part size must be positive, got " + partSize);
    }
    this.in = new ExactLengthInputStream(key, data, length);
    this.length = length;
    this.buffer = new byte[(int) Math.min(partSize, length)];
  }

  /** Whether everything fits in one part, so a single-request upload will do. */
  public boolean singlePart() {
    return length <= buffer.length;
  }

  /** Whether another part follows; an empty object has exactly one (empty) part. */
  public boolean hasNext() {
    return !started || consumed < length;
  }

  /**
   * Reads the next part into {@link #buffer()}.
   *
   * @return the part's length
   * @throws IOException when the data is shorter than declared, or (at the last part) longer
   */
  public int next() throws IOException {
    started = true;
    int want = (int) Math.min(buffer.length, length - consumed);
    int n = 0;
    while (n < want) {
      int r = in.read(buffer, n, want - n);
      if (r < 0) {
        break; // not reached: ExactLengthInputStream throws when the data ends early
      }
      n += r;
    }
    consumed += n;
    if (consumed == length) {
      in.read(); // throws when the data goes on past the declared length
    }
    partLength = n;
    return n;
  }

  /** The buffer; the current part is {@code [0, partLength())}. Overwritten by {@link #next}. */
  public byte[] buffer() {
    return buffer;
  }

  /** The current part's length. */
  public int partLength() {
    return partLength;
  }
}
