package io.flarestack.common.server.netty;

import io.flarestack.common.server.http.HttpRequest;

/**
 * A complete request as the aggregator passes it on.
 *
 * @param request the request with its whole body
 * @param keepAlive whether the HTTP/1 connection may serve another request after this one
 * @param http10 whether it was an HTTP/1.0 request (keep-alive must then be announced)
 */
record Inbound(HttpRequest request, boolean keepAlive, boolean http10) {}
