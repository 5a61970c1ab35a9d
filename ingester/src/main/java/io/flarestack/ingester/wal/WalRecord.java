package io.flarestack.ingester.wal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.flarestack.api.ingester.v1.PushRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The payload of one log record: an accepted push and its tenant. Encoded as the tenant
 * (protobuf length-delimited string, field 1) followed by the {@code ingester.v1.PushRequest}
 * bytes as received (field 2), so a record is itself a small protobuf message and readable with
 * {@code protoc --decode_raw}. The log adds the framing (length, CRC32C, LSN).
 *
 * @param tenant the tenant the push belongs to
 * @param request the push, already validated by the head
 */
public record WalRecord(String tenant, PushRequest request) {
  private static final int TENANT_TAG = (1 << 3) | 2;
  private static final int REQUEST_TAG = (2 << 3) | 2;

  /** Serialises the record; one allocation of the exact size. */
  public byte[] encode() {
    byte[] tenantBytes = tenant.getBytes(StandardCharsets.UTF_8);
    int requestSize = request.getSerializedSize();
    int size = CodedOutputStream.computeTagSize(1) + CodedOutputStream.computeUInt32SizeNoTag(tenantBytes.length)
        + tenantBytes.length + CodedOutputStream.computeTagSize(2)
        + CodedOutputStream.computeUInt32SizeNoTag(requestSize) + requestSize;
    byte[] out = new byte[size];
    CodedOutputStream cos = CodedOutputStream.newInstance(out);
    try {
      cos.writeUInt32NoTag(TENANT_TAG);
      cos.writeUInt32NoTag(tenantBytes.length);
      cos.writeRawBytes(tenantBytes);
      cos.writeUInt32NoTag(REQUEST_TAG);
      cos.writeUInt32NoTag(requestSize);
      request.writeTo(cos);
      cos.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException("encoding a WAL record into an exactly sized array failed", e);
    }
    return out;
  }

  /**
   * Parses a payload written by {@link #encode()}.
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
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    if (tenant == null || request == null) {
      throw new IOException("WAL record payload lacks its " + (tenant == null ? "tenant" : "request"));
    }
    return new WalRecord(tenant, request);
  }
}
