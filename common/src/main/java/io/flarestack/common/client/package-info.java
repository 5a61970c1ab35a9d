/**
 * Internal gRPC clients: {@link io.flarestack.common.client.ClientPool}, one channel and stub per
 * instance address, over the network or in process, with the tenant forwarded on every call.
 */
package io.flarestack.common.client;
