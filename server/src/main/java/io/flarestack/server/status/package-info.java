/**
 * The operations status pages on the HTTP port: one ring page per hash ring running in this
 * process ({@code /ring}, {@code /ingester/ring}, ...), and {@code /memberlist}. Each answers HTML,
 * or JSON when the request's {@code Accept} asks for {@code application/json}, as Pyroscope's
 * (dskit's) pages do.
 */
package io.flarestack.server.status;
