package io.flarestack.common.ring;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.flarestack.api.ring.v1.RingDesc;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Ring descriptors to and from KV values. Stateless. */
final class RingCodec {
  private RingCodec() {}

  /**
   * The ring in a KV value; empty when the key is absent.
   *
   * @throws UncheckedIOException when the value is not a ring descriptor
   */
  static RingDesc decode(byte[] value) {
    if (value == null) {
      return RingDesc.getDefaultInstance();
    }
    try {
      return RingDesc.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new UncheckedIOException("ring KV value is not a ring descriptor: " + e.getMessage(), e);
    }
  }

  /** The ring as bytes, instances in id order: equal rings encode to equal bytes. */
  static byte[] encode(RingDesc ring) {
    byte[] out = new byte[ring.getSerializedSize()];
    CodedOutputStream stream = CodedOutputStream.newInstance(out);
    stream.useDeterministicSerialization();
    try {
      ring.writeTo(stream);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a ring descriptor", e); // an array never fails
    }
    stream.checkNoSpaceLeft();
    return out;
  }
}
