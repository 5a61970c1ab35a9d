package io.flarestack.common.edge.netty;

import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.edge.http.Reply;
import io.flarestack.common.io.RequestMemory;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Conversions between Netty's HTTP messages and the server's {@link HttpRequest} and {@link Reply}. */
final class NettyMessages {
  private NettyMessages() {}

  /**
   * The request, with decoded path and query and lower-case header names. HTTP/2 extension
   * headers Netty adds ({@code x-http2-*}) are left out.
   *
   * @throws IllegalArgumentException when the request target is not valid percent-encoding
   */
  static HttpRequest toRequest(io.netty.handler.codec.http.HttpRequest head, byte[] body, RequestMemory memory) {
    String uri = head.uri();
    if (uri.startsWith("http://") || uri.startsWith("https://")) { // absolute-form, as sent to proxies
      int slash = uri.indexOf('/', uri.indexOf("//") + 2);
      uri = slash < 0 ? "/" : uri.substring(slash);
    }
    QueryStringDecoder decoder = new QueryStringDecoder(uri);
    String path = decoder.path().isEmpty() ? "/" : decoder.path();
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : head.headers()) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if (!name.startsWith("x-http2-")) {
        headers.computeIfAbsent(name, k -> new ArrayList<>(1)).add(e.getValue());
      }
    }
    headers.replaceAll((k, v) -> List.copyOf(v));
    Map<String, List<String>> query = new LinkedHashMap<>();
    decoder.parameters().forEach((k, v) -> query.put(k, List.copyOf(v)));
    return new HttpRequest(head.method().name(), path, query, headers, body, memory);
  }

  /**
   * The Netty response of a reply. Content-Length is set unless the reply has trailers (gRPC).
   *
   * @param close announce and intend closing the HTTP/1 connection after this response
   * @param announceKeepAlive send {@code Connection: keep-alive} (HTTP/1.0 clients need it)
   */
  static FullHttpResponse toResponse(Reply reply, boolean close, boolean announceKeepAlive) {
    HttpResponse r = reply.response();
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
        Unpooled.wrappedBuffer(r.body()));
    HttpHeaders h = res.headers();
    if (r.contentType() != null) {
      h.set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
    }
    r.headers().forEach(h::set);
    if (reply.trailers().isEmpty()) {
      h.setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
    } else {
      reply.trailers().forEach(res.trailingHeaders()::set);
    }
    if (close) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (announceKeepAlive) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    return res;
  }
}
