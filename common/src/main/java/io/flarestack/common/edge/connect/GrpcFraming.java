package io.flarestack.common.edge.connect;

import io.flarestack.common.edge.http.Bodies;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.errors.TooLargeException;
import io.flarestack.common.io.RequestMemory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * gRPC's length-prefixed message framing (1 flag byte, 4 length bytes, the message), per-message
 * gzip, and the percent-encoding of {@code grpc-message}.
 */
final class GrpcFraming {
  private static final int HEADER = 5;

  private GrpcFraming() {}

  /**
   * Splits a request body into messages, decompressing those flagged compressed.
   *
   * @param encoding the request's {@code grpc-encoding}, or null
   * @throws FlarestackException invalid_argument for truncated frames or an unknown encoding;
   *     {@link TooLargeException} when a decompressed message exceeds {@code limit}; what
   *     {@code memory} throws when the request may not hold the decompressed messages
   */
  static List<byte[]> split(byte[] body, String encoding, long limit, RequestMemory memory) {
    List<byte[]> messages = new ArrayList<>(1);
    int pos = 0;
    while (pos < body.length) {
      if (body.length - pos < HEADER) {
        throw FlarestackException.invalidArgument("truncated gRPC frame header: %d bytes left", body.length - pos);
      }
      int flags = body[pos] & 0xff;
      long length = ((body[pos + 1] & 0xffL) << 24) | ((body[pos + 2] & 0xff) << 16) | ((body[pos + 3] & 0xff) << 8)
          | (body[pos + 4] & 0xff);
      pos += HEADER;
      if (length > body.length - pos) {
        throw FlarestackException.invalidArgument("truncated gRPC message: frame says %d bytes, %d left", length,
            body.length - pos);
      }
      memory.reserve(length, "gRPC request message");
      byte[] message = java.util.Arrays.copyOfRange(body, pos, pos + (int) length);
      pos += (int) length;
      if ((flags & 1) != 0) {
        message = decompress(message, encoding, limit, memory);
      }
      messages.add(message);
    }
    return messages;
  }

  private static byte[] decompress(byte[] message, String encoding, long limit, RequestMemory memory) {
    String e = encoding == null ? "identity" : encoding.trim().toLowerCase(Locale.ROOT);
    if (!e.equals("gzip")) {
      throw FlarestackException.invalidArgument("gRPC message is flagged compressed with grpc-encoding \"%s\"; only gzip is supported",
          e);
    }
    return Bodies.gunzip(message, limit, "gRPC request message", memory);
  }

  /** One uncompressed frame. */
  static byte[] frame(byte[] message) {
    byte[] out = new byte[HEADER + message.length];
    out[1] = (byte) (message.length >>> 24);
    out[2] = (byte) (message.length >>> 16);
    out[3] = (byte) (message.length >>> 8);
    out[4] = (byte) message.length;
    System.arraycopy(message, 0, out, HEADER, message.length);
    return out;
  }

  /** Percent-encodes a status message as the gRPC spec requires for {@code grpc-message}. */
  static String encodeMessage(String message) {
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '%') {
        out.write(c);
      } else {
        out.write('%');
        out.write(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.write(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString(StandardCharsets.US_ASCII);
  }
}
