package io.flarestack.storage.block;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A Parquet {@link InputFile} over a {@link RangeReader}: the Parquet reader's seeks and reads
 * become ranged reads of exactly what it asks for (the footer, the column and offset indexes,
 * the pages of the projected columns and selected rows). Small reads (single bytes, thrift
 * headers) go through an 8 KiB window so they do not turn into one request each.
 */
final class RangeInputFile implements InputFile {
  private static final int WINDOW = 8 << 10;

  private final RangeReader file;

  RangeInputFile(RangeReader file) {
    this.file = file;
  }

  @Override
  public long getLength() {
    return file.length();
  }

  @Override
  public SeekableInputStream newStream() {
    return new Stream();
  }

  private final class Stream extends SeekableInputStream {
    private long pos;
    private byte[] window;
    private long windowStart = -1;
    private int windowLength;

    @Override
    public long getPos() {
      return pos;
    }

    @Override
    public void seek(long newPos) throws IOException {
      if (newPos < 0 || newPos > file.length()) {
        throw new EOFException("seek to " + newPos + " outside a file of " + file.length() + " bytes");
      }
      pos = newPos;
    }

    @Override
    public int read() throws IOException {
      if (pos >= file.length()) {
        return -1;
      }
      if (!inWindow(pos, 1)) {
        fillWindow();
      }
      return window[(int) (pos++ - windowStart)] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      long left = file.length() - pos;
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      readFully(b, off, n);
      return n;
    }

    @Override
    public void readFully(byte[] bytes) throws IOException {
      readFully(bytes, 0, bytes.length);
    }

    @Override
    public void readFully(byte[] bytes, int start, int len) throws IOException {
      if (len == 0) {
        return;
      }
      if (inWindow(pos, len)) {
        System.arraycopy(window, (int) (pos - windowStart), bytes, start, len);
      } else if (len < WINDOW / 2) {
        fillWindow();
        if (!inWindow(pos, len)) {
          throw new EOFException("read of " + len + " bytes at " + pos + " past the end of a file of " + file.length());
        }
        System.arraycopy(window, (int) (pos - windowStart), bytes, start, len);
      } else {
        file.readFully(pos, bytes, start, len);
      }
      pos += len;
    }

    @Override
    public int read(ByteBuffer buf) throws IOException {
      int n = (int) Math.min(buf.remaining(), file.length() - pos);
      if (n <= 0) {
        return buf.hasRemaining() ? -1 : 0;
      }
      readInto(buf, n);
      return n;
    }

    @Override
    public void readFully(ByteBuffer buf) throws IOException {
      readInto(buf, buf.remaining());
    }

    private void readInto(ByteBuffer buf, int n) throws IOException {
      if (buf.hasArray()) {
        readFully(buf.array(), buf.arrayOffset() + buf.position(), n);
        buf.position(buf.position() + n);
      } else {
        byte[] tmp = new byte[n];
        readFully(tmp, 0, n);
        buf.put(tmp);
      }
    }

    private boolean inWindow(long at, int len) {
      return window != null && at >= windowStart && at + len <= windowStart + windowLength;
    }

    private void fillWindow() throws IOException {
      int len = (int) Math.min(WINDOW, file.length() - pos);
      if (window == null) {
        window = new byte[WINDOW];
      }
      file.readFully(pos, window, 0, len);
      windowStart = pos;
      windowLength = len;
    }
  }
}
