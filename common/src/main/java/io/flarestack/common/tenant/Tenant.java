package io.flarestack.common.tenant;

import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.grpc.Context;
import io.grpc.Metadata;

/**
 * Tenant identity: the {@code X-Scope-OrgID} header, its validation, and the gRPC context key
 * that carries the resolved tenant through a call. With multitenancy disabled every request is
 * tenant {@link #ANONYMOUS} and the header is ignored.
 */
public final class Tenant {
  public static final String HEADER = "X-Scope-OrgID";
  public static final String ANONYMOUS = "anonymous";
  public static final Metadata.Key<String> METADATA_KEY = Metadata.Key.of("x-scope-orgid", Metadata.ASCII_STRING_MARSHALLER);
  public static final Context.Key<String> CONTEXT_KEY = Context.key("flarestack-tenant");
  private static final int MAX_LENGTH = 150;

  private Tenant() {}

  /**
   * The tenant of the current gRPC call.
   *
   * @throws FlarestackException unauthenticated when no tenant was resolved for this call
   */
  public static String current() {
    String t = CONTEXT_KEY.get();
    if (t == null) {
      throw new FlarestackException(ErrorCode.UNAUTHENTICATED, "no org id");
    }
    return t;
  }

  /**
   * Resolves the tenant from a header value (null when absent).
   *
   * @throws FlarestackException unauthenticated when multitenancy is on and the header is missing
   *     or invalid
   */
  public static String resolve(boolean multitenancyEnabled, String headerValue) {
    if (!multitenancyEnabled) {
      return ANONYMOUS;
    }
    if (headerValue == null || headerValue.isEmpty()) {
      throw new FlarestackException(ErrorCode.UNAUTHENTICATED, "no org id");
    }
    if (headerValue.indexOf('|') >= 0) {
      throw new FlarestackException(ErrorCode.UNAUTHENTICATED,
          "multiple org ids are not supported for this request: " + headerValue);
    }
    String problem = validate(headerValue);
    if (problem != null) {
      throw new FlarestackException(ErrorCode.UNAUTHENTICATED, problem);
    }
    return headerValue;
  }

  /** Why {@code id} is not a valid tenant id (dskit's rules), or null when it is. */
  public static String validate(String id) {
    if (id.length() > MAX_LENGTH) {
      return "tenant id is too long: " + id.length() + " characters, the limit is " + MAX_LENGTH;
    }
    if (id.equals(".") || id.equals("..")) {
      return "tenant id " + id + " is not allowed";
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!-_.*'()".indexOf(c) >= 0;
      if (!ok) {
        return "tenant id " + '"' + id + '"' + " contains unsupported character '" + c + "'";
      }
    }
    return null;
  }
}
