package io.flarestack.common.edge.connect;

import java.util.Locale;

/** The RPC protocols and codecs served on an RPC path, told apart by the request's Content-Type. */
enum RpcProtocol {
  CONNECT_PROTO("application/proto", false, false),
  CONNECT_JSON("application/json", false, true),
  GRPC_PROTO("application/grpc", true, false),
  GRPC_PROTO_EXPLICIT("application/grpc+proto", true, false),
  GRPC_JSON("application/grpc+json", true, true);

  private final String contentType;
  private final boolean grpc;
  private final boolean json;

  RpcProtocol(String contentType, boolean grpc, boolean json) {
    this.contentType = contentType;
    this.grpc = grpc;
    this.json = json;
  }

  /** The response Content-Type: the request's media type without parameters. */
  String contentType() {
    return contentType;
  }

  boolean grpc() {
    return grpc;
  }

  boolean json() {
    return json;
  }

  /**
   * The protocol of a Content-Type header, or null when it is not one we serve. A charset
   * parameter is accepted for JSON only when it is UTF-8.
   */
  static RpcProtocol fromContentType(String header) {
    if (header == null) {
      return null;
    }
    String[] parts = header.split(";");
    String media = parts[0].trim().toLowerCase(Locale.ROOT);
    for (RpcProtocol p : values()) {
      if (p.contentType.equals(media)) {
        return charsetOk(parts) ? p : null;
      }
    }
    return null;
  }

  private static boolean charsetOk(String[] parts) {
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim().toLowerCase(Locale.ROOT);
      if (p.startsWith("charset=")) {
        String cs = p.substring("charset=".length()).replace("\"", "").trim();
        if (!cs.equals("utf-8") && !cs.equals("utf8")) {
          return false;
        }
      }
    }
    return true;
  }
}
