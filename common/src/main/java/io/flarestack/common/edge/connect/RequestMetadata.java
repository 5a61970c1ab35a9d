package io.flarestack.common.edge.connect;

import io.grpc.Metadata;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * HTTP request headers as gRPC metadata, so interceptors (the tenant's {@code x-scope-orgid})
 * see the same keys over Connect as over gRPC. Transport and protocol headers are left out;
 * {@code -bin} headers are base64-decoded as gRPC and Connect define them.
 */
final class RequestMetadata {
  private static final Set<String> SKIPPED = Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding",
      "upgrade", "te", "host", "content-length", "content-type", "content-encoding", "accept-encoding", "expect",
      "grpc-timeout", "grpc-encoding", "grpc-accept-encoding", "connect-timeout-ms", "connect-protocol-version",
      "connect-content-encoding", "connect-accept-encoding");

  private RequestMetadata() {}

  /** @param headers lower-case header names to values */
  static Metadata from(Map<String, List<String>> headers) {
    Metadata md = new Metadata();
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      String name = e.getKey();
      if (name.startsWith(":") || SKIPPED.contains(name)) {
        continue;
      }
      try {
        if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
          Metadata.Key<byte[]> key = Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER);
          for (String v : e.getValue()) {
            md.put(key, Base64.getDecoder().decode(pad(v.trim())));
          }
        } else {
          Metadata.Key<String> key = Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
          for (String v : e.getValue()) {
            md.put(key, v);
          }
        }
      } catch (IllegalArgumentException ignored) {
        // a header name gRPC cannot carry, or bad base64: not metadata any interceptor could use
      }
    }
    return md;
  }

  private static String pad(String v) {
    int rem = v.length() % 4;
    return rem == 0 ? v : v + "==".substring(0, 4 - rem);
  }
}
