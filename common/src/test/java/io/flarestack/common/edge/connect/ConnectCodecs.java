package io.flarestack.common.edge.connect;

import io.flarestack.common.io.RequestGuards;
import io.flarestack.common.io.RequestMemory;
import io.grpc.MethodDescriptor;

/**
 * The Connect and gRPC-Web request decoding ({@code MessageCodec}, package-private) for tests in
 * other packages and modules, e.g. the decoder fuzz tests.
 */
public final class ConnectCodecs {
  private ConnectCodecs() {}

  /** Decodes a request body exactly as the Connect and gRPC-Web handlers do. */
  public static <T> T parse(MethodDescriptor.Marshaller<T> marshaller, byte[] body, boolean json, RequestGuards guards,
      RequestMemory memory) {
    return MessageCodec.parse(marshaller, body, json, guards, memory);
  }
}
