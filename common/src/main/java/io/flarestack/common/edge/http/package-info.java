/**
 * Transport-independent HTTP: the request/response values handlers see, routing, the dispatcher
 * that runs handlers on worker threads and records the request metrics, gzip, and the one place
 * that decides response compression.
 */
package io.flarestack.common.edge.http;
