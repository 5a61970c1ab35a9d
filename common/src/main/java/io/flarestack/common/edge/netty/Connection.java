package io.flarestack.common.edge.netty;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.AttributeKey;

/**
 * Per-connection state, kept as an attribute of the connection's channel. Only the
 * connection's event loop touches it (HTTP/2 stream channels share their parent's loop).
 */
final class Connection {
  static final AttributeKey<Connection> KEY = AttributeKey.valueOf(Connection.class, "flarestack-connection");

  /** Fired down a connection's pipeline when the server stops: finish what is in flight, take nothing new. */
  static final Object DRAIN = new Object() {
    @Override
    public String toString() {
      return "DRAIN";
    }
  };

  enum Protocol {
    UNKNOWN,
    HTTP1,
    HTTP2
  }

  Protocol protocol = Protocol.UNKNOWN;
  /** Requests dispatched and not yet answered; an idle timeout never closes a connection with any. */
  int active;
  boolean draining;
  /** Requests whose head has arrived and whose body is still arriving. */
  int receiving;
  /** Request heads received so far, so a read deadline can tell whether one came. */
  long heads;

  /** The state of the connection a channel (connection or HTTP/2 stream) belongs to. */
  static Connection of(Channel channel) {
    Channel c = channel instanceof Http2StreamChannel ? channel.parent() : channel;
    return c.attr(KEY).get();
  }
}
