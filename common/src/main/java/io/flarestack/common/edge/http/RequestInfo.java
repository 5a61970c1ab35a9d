package io.flarestack.common.edge.http;

import java.net.SocketAddress;

/**
 * Facts about a request that its {@link HttpRequest} does not carry.
 *
 * @param http2 whether it arrived on an HTTP/2 stream (h2c)
 * @param remoteAddress the peer, or null when unknown
 */
public record RequestInfo(boolean http2, SocketAddress remoteAddress) {}
