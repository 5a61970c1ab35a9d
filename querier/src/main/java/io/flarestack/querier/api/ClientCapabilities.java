package io.flarestack.querier.api;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.Locale;

/**
 * Reads client capabilities from the {@code Accept} header, as Pyroscope does: only clients that
 * send {@code allow-utf8-labelnames=true} see label names outside the legacy Prometheus charset
 * (such as {@code service.name}) in LabelNames and Series.
 */
public final class ClientCapabilities implements ServerInterceptor {
  static final Context.Key<Boolean> UTF8_LABEL_NAMES = Context.keyWithDefault("flarestack-utf8-labelnames", false);
  private static final Metadata.Key<String> ACCEPT = Metadata.Key.of("accept", Metadata.ASCII_STRING_MARSHALLER);

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    boolean utf8 = false;
    Iterable<String> accepts = headers.getAll(ACCEPT);
    if (accepts != null) {
      for (String a : accepts) {
        if (allowsUtf8(a)) {
          utf8 = true;
        }
      }
    }
    if (!utf8) {
      return next.startCall(call, headers);
    }
    return Contexts.interceptCall(Context.current().withValue(UTF8_LABEL_NAMES, true), call, headers, next);
  }

  static boolean allowsUtf8(String accept) {
    for (String mediaType : accept.split(",")) {
      for (String param : mediaType.split(";")) {
        String p = param.trim().toLowerCase(Locale.ROOT);
        if (p.equals("allow-utf8-labelnames=true")) {
          return true;
        }
      }
    }
    return false;
  }
}
