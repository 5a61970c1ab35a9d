package io.flarestack.common.edge.connect;

import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.errors.FlarestackException;
import java.util.List;

/**
 * The {@code Connect-Protocol-Version} request header of the Connect protocol: optional (Pyroscope
 * does not require it and pyroscope-rs omits it), but when present every value must be {@code 1},
 * the only version there is, as connect-go checks. Applies to Connect requests only, not to gRPC
 * or gRPC-Web. Stateless.
 */
public final class ConnectProtocolVersion {
  /** The header name, lower-case as {@link HttpRequest#headers()} holds it. */
  public static final String HEADER = "connect-protocol-version";

  private ConnectProtocolVersion() {}

  /**
   * Checks the header of a Connect request.
   *
   * @throws FlarestackException invalid_argument naming the value when it is not {@code 1}
   */
  public static void check(HttpRequest request) {
    check(request.headers().getOrDefault(HEADER, List.of()));
  }

  /**
   * Checks every value of the header (none is fine).
   *
   * @throws FlarestackException invalid_argument naming the first value that is not {@code 1}
   */
  public static void check(List<String> values) {
    for (String v : values) {
      if (!v.strip().equals("1")) {
        String shown = v.length() > 32 ? v.substring(0, 32) + "..." : v;
        throw FlarestackException.invalidArgument("Connect-Protocol-Version must be \"1\": got \"%s\"", shown);
      }
    }
  }
}
