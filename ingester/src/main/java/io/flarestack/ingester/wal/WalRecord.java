package io.flarestack.ingester.wal;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.flarestack.api.ingester.v1.PushRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The payload of one log record: an accepted push and its tenant. Encoded as the tenant
 * (protobuf length-delimited string, field 1) followed by the {@code ingester.v1.PushRequest}
 * bytes compressed as one zstd frame that records its content size (field 3), so a record is
 * itself a small protobuf message and readable with {@code protoc --decode_raw}. The log adds the
 * framing (length, CRC32C, LSN).
 *
 * <p>Compressed because the log holds every push of a head window until its block is uploaded:
 * uncompressed, an hour of a 100-pod fleet took almost 9 GB of local disk. Records of format version 1
 * (the request uncompressed, field 2) are still read, so an upgraded ingester replays an old log.
 *
 * @param tenant the tenant the push belongs to
 * @param request the push, already validated by the head
 */
public record WalRecord(String tenant, PushRequest request) {
  /**
   * zstd level of the request bytes. Level 1 runs at several hundred MB/s per core: under the W-S
   * fleet it left ingest throughput unchanged within noise while the log shrank from 0.85 to 0.34
   * bytes per raw pprof byte (docs/benchmarks.md, run S4); higher levels cost far more CPU on a
   * file that lives one window.
   */
  static final int ZSTD_LEVEL = 1;
  /** Requests above this are refused rather than risk an allocation the size of the heap. */
  private static final long MAX_REQUEST_BYTES = Integer.MAX_VALUE - 64;
  private static final int TENANT_TAG = (1 << 3) | 2;
  private static final int REQUEST_TAG = (2 << 3) | 2;
  private static final int REQUEST_ZSTD_TAG = (3 << 3) | 2;

  /**
   * Loads zstd's native library now, so that a host where it cannot load (zstd-jni extracts it to
   * {@code java.io.tmpdir} unless {@code -DZstdNativePath} names an extracted copy) fails at start
   * with this message instead of failing every push.
   *
   * @throws IllegalStateException when the library does not load
   */
  public static void loadCodec() {
    try {
      Zstd.compressBound(1);
    } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
      throw new IllegalStateException("the zstd native library (zstd-jni) does not load: " + e
          + "; it is extracted to java.io.tmpdir (" + System.getProperty("java.io.tmpdir")
          + ") unless -DZstdNativePath names an extracted copy", e);
    }
  }

  /** Serialises the record: the request is serialised, compressed, then copied once behind the tenant. */
  public byte[] encode() {
    byte[] tenantBytes = tenant.getBytes(StandardCharsets.UTF_8);
    byte[] compressed = Zstd.compress(request.toByteArray(), ZSTD_LEVEL);
    int size = CodedOutputStream.computeTagSize(1) + CodedOutputStream.computeUInt32SizeNoTag(tenantBytes.length)
        + tenantBytes.length + CodedOutputStream.computeTagSize(3)
        + CodedOutputStream.computeUInt32SizeNoTag(compressed.length) + compressed.length;
    byte[] out = new byte[size];
    CodedOutputStream cos = CodedOutputStream.newInstance(out);
    try {
      cos.writeUInt32NoTag(TENANT_TAG);
      cos.writeUInt32NoTag(tenantBytes.length);
      cos.writeRawBytes(tenantBytes);
      cos.writeUInt32NoTag(REQUEST_ZSTD_TAG);
      cos.writeUInt32NoTag(compressed.length);
      cos.writeRawBytes(compressed);
      cos.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException("encoding a WAL record into an exactly sized array failed", e);
    }
    return out;
  }

  /**
   * Parses a payload written by {@link #encode()} or by format version 1 (uncompressed request).
   *
   * @throws IOException when the bytes are not such a payload
   */
  public static WalRecord decode(byte[] payload, int offset, int length) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(payload, offset, length);
    String tenant = null;
    PushRequest request = null;
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (tag == TENANT_TAG) {
        tenant = in.readStringRequireUtf8();
      } else if (tag == REQUEST_TAG) {
        request = PushRequest.parseFrom(in.readBytes());
      } else if (tag == REQUEST_ZSTD_TAG) {
        request = PushRequest.parseFrom(decompress(in.readByteArray()));
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    if (tenant == null || request == null) {
      throw new IOException("WAL record payload lacks its " + (tenant == null ? "tenant" : "request"));
    }
    return new WalRecord(tenant, request);
  }

  private static byte[] decompress(byte[] frame) throws IOException {
    long size = Zstd.getFrameContentSize(frame);
    if (size < 0 || size > MAX_REQUEST_BYTES) {
      throw new IOException("WAL record's zstd frame has no usable content size (" + size + ")");
    }
    try {
      byte[] out = Zstd.decompress(frame, (int) size);
      if (out.length != size) {
        throw new IOException("WAL record's zstd frame decompressed to " + out.length + " bytes, its header says "
            + size);
      }
      return out;
    } catch (ZstdException e) {
      throw new IOException("WAL record's zstd frame does not decompress: " + e.getMessage(), e);
    }
  }
}
