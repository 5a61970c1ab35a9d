package io.flarestack.storage.block;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The container of the block's own binary files ({@code series.idx}, {@code symbols.sym}):
 *
 * <pre>
 * file    = magic(8) section* toc footer
 * section = zstd frame of the section's raw bytes
 * footer  = toc offset (u64) | toc length (u32) | crc32c(toc) (u32) | magic(8)     -- 24 bytes
 * </pre>
 *
 * The TOC is the caller's own encoding of where the sections are (see {@link Section}). A reader
 * fetches the footer, then the TOC, then only the sections it needs; every section carries its
 * CRC32C, so corruption is detected before decompression. Big-endian.
 */
final class SectionFile {
  static final int FOOTER_BYTES = 24;
  static final int ZSTD_LEVEL = 6;

  /** Where one section is: offset in the file, compressed and raw sizes, CRC of the compressed bytes. */
  record Section(long offset, int compressedLength, int rawLength, int crc) {
    void writeTo(ByteSink s) {
      s.u64(offset);
      s.u32(compressedLength);
      s.u32(rawLength);
      s.u32(crc);
    }

    static Section readFrom(ByteSource s) {
      return new Section(s.u64(), s.u32(), s.u32(), s.u32());
    }
  }

  private SectionFile() {}

  /** Writes sections sequentially to a stream. Not thread-safe. */
  static final class Writer {
    private final OutputStream out;
    private final byte[] magic;
    private long position;

    Writer(OutputStream out, byte[] magic) throws IOException {
      this.out = out;
      this.magic = magic;
      out.write(magic);
      position = magic.length;
    }

    Section add(byte[] raw) throws IOException {
      byte[] compressed = Zstd.compress(raw, ZSTD_LEVEL);
      CRC32C crc = new CRC32C();
      crc.update(compressed);
      Section s = new Section(position, compressed.length, raw.length, (int) crc.getValue());
      out.write(compressed);
      position += compressed.length;
      return s;
    }

    /** Writes the TOC and the footer; returns the file size. */
    long finish(byte[] toc) throws IOException {
      long tocOffset = position;
      out.write(toc);
      CRC32C crc = new CRC32C();
      crc.update(toc);
      ByteSink footer = new ByteSink(FOOTER_BYTES);
      footer.u64(tocOffset);
      footer.u32(toc.length);
      footer.u32((int) crc.getValue());
      footer.bytes(magic);
      out.write(footer.toByteArray());
      position += toc.length + FOOTER_BYTES;
      return position;
    }
  }

  /**
   * Reads and checks the TOC of a file.
   *
   * @throws CorruptBlockException on a bad magic, size or CRC
   */
  static byte[] readToc(RangeReader file, byte[] magic, String what) throws IOException {
    long size = file.length();
    if (size < magic.length + FOOTER_BYTES) {
      throw new CorruptBlockException(what + ": file of " + size + " bytes is too short");
    }
    ByteSource footer = new ByteSource(file.read(size - FOOTER_BYTES, FOOTER_BYTES), what + " footer");
    long tocOffset = footer.u64();
    int tocLength = footer.u32();
    int tocCrc = footer.u32();
    if (!Arrays.equals(footer.bytes(magic.length), magic)) {
      throw new CorruptBlockException(what + ": bad magic in the footer");
    }
    if (tocOffset < magic.length || tocLength < 0 || tocOffset + tocLength != size - FOOTER_BYTES) {
      throw new CorruptBlockException(what + ": footer points to a TOC at " + tocOffset + "+" + tocLength
          + " in a file of " + size + " bytes");
    }
    byte[] toc = file.read(tocOffset, tocLength);
    CRC32C crc = new CRC32C();
    crc.update(toc);
    if ((int) crc.getValue() != tocCrc) {
      throw new CorruptBlockException(what + ": the TOC fails its CRC32C check");
    }
    return toc;
  }

  /**
   * Reads, checks and decompresses one section.
   *
   * @throws CorruptBlockException on a CRC mismatch or a bad zstd frame
   */
  static byte[] readSection(RangeReader file, Section s, String what) throws IOException {
    if (s.offset() < 0 || s.compressedLength() < 0 || s.rawLength() < 0
        || s.offset() + s.compressedLength() > file.length()) {
      throw new CorruptBlockException(what + ": section " + s + " lies outside the file of " + file.length() + " bytes");
    }
    byte[] compressed = file.read(s.offset(), s.compressedLength());
    CRC32C crc = new CRC32C();
    crc.update(compressed);
    if ((int) crc.getValue() != s.crc()) {
      throw new CorruptBlockException(what + ": section at " + s.offset() + " fails its CRC32C check");
    }
    try {
      byte[] raw = Zstd.decompress(compressed, s.rawLength());
      if (raw.length != s.rawLength()) {
        throw new CorruptBlockException(what + ": section at " + s.offset() + " decompressed to " + raw.length
            + " bytes, expected " + s.rawLength());
      }
      return raw;
    } catch (RuntimeException e) {
      if (e instanceof CorruptBlockException c) {
        throw c;
      }
      throw new CorruptBlockException(what + ": section at " + s.offset() + " is not a valid zstd frame: " + e.getMessage(), e);
    }
  }
}
