package io.flarestack.common.edge.netty;

import io.flarestack.common.edge.http.HttpRequest;

/**
 * A complete request as the aggregator passes it on.
 *
 * @param request the request with its whole body
 * @param keepAlive whether the HTTP/1 connection may serve another request after this one
 * @param http10 whether it was an HTTP/1.0 request (keep-alive must then be announced)
 */
record Inbound(HttpRequest request, boolean keepAlive, boolean http10) {}
