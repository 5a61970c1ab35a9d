package io.flarestack.storage.block;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Parquet's page codecs without Hadoop: zstd through zstd-jni, and no compression. parquet-java's
 * default factory loads Hadoop classes even for uncompressed pages; this one is what the block
 * writer and readers pass instead (public for its {@link #LEVEL}, which the block benchmarks'
 * zstd kernel uses). Stateless and thread-safe.
 */
public final class ZstdCodecFactory implements CompressionCodecFactory {
  /** The zstd level of every block page. */
  public static final int LEVEL = 6;
  /** The codecs of every block: zstd at {@link #LEVEL}. */
  static final ZstdCodecFactory INSTANCE = new ZstdCodecFactory(LEVEL);

  private final int level;

  ZstdCodecFactory(int level) {
    this.level = level;
  }

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    return switch (codec) {
      case ZSTD -> new BytesInputCompressor() {
        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
          return BytesInput.from(Zstd.compress(bytes.toByteArray(), level));
        }

        @Override
        public CompressionCodecName getCodecName() {
          return CompressionCodecName.ZSTD;
        }

        @Override
        public void release() {}
      };
      case UNCOMPRESSED -> new BytesInputCompressor() {
        @Override
        public BytesInput compress(BytesInput bytes) {
          return bytes;
        }

        @Override
        public CompressionCodecName getCodecName() {
          return CompressionCodecName.UNCOMPRESSED;
        }

        @Override
        public void release() {}
      };
      default -> throw new UnsupportedOperationException("Parquet codec " + codec + " is not supported in blocks");
    };
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    return switch (codec) {
      case ZSTD -> new BytesInputDecompressor() {
        @Override
        public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
          return BytesInput.from(decompressed(bytes.toByteArray(), uncompressedSize));
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
            throws IOException {
          byte[] in = new byte[compressedSize];
          input.duplicate().get(in);
          output.put(decompressed(in, uncompressedSize));
        }

        @Override
        public void release() {}
      };
      case UNCOMPRESSED -> new BytesInputDecompressor() {
        @Override
        public BytesInput decompress(BytesInput bytes, int uncompressedSize) {
          return bytes;
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize) {
          ByteBuffer in = input.duplicate();
          in.limit(in.position() + compressedSize);
          output.put(in);
        }

        @Override
        public void release() {}
      };
      default -> throw new UnsupportedOperationException("Parquet codec " + codec + " is not supported in blocks");
    };
  }

  private static byte[] decompressed(byte[] in, int size) throws IOException {
    try {
      byte[] out = Zstd.decompress(in, size);
      if (out.length != size) {
        throw new IOException("zstd page decompressed to " + out.length + " bytes, expected " + size);
      }
      return out;
    } catch (RuntimeException e) {
      throw new IOException("corrupt zstd page: " + e.getMessage(), e);
    }
  }

  @Override
  public void release() {}
}
