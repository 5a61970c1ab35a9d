package io.flarestack.storage.block;

import java.io.IOException;

/**
 * Random access to one immutable file of a block: an object read with ranged GETs, or a local
 * file. Implementations are thread-safe.
 */
public interface RangeReader {
  /** The file size in bytes. */
  long length();

  /**
   * Reads exactly {@code len} bytes at {@code offset}.
   *
   * @throws java.io.EOFException when the file ends first
   * @throws IOException naming the file when it cannot be read
   */
  void readFully(long offset, byte[] dst, int dstOffset, int len) throws IOException;

  /** Reads a range into a new array. */
  default byte[] read(long offset, int len) throws IOException {
    byte[] b = new byte[len];
    readFully(offset, b, 0, len);
    return b;
  }
}
