/**
 * The HTTP port on Netty: protocol detection (HTTP/1.1 or h2c prior knowledge), body aggregation
 * with the size limit, HTTP/1.1 keep-alive and ordering, HTTP/2 streams, idle and drain handling.
 * Everything here runs on event loops and hands complete requests to a
 * {@link io.flarestack.common.edge.http.RequestSink}.
 */
package io.flarestack.common.edge.netty;
