package io.flarestack.common.edge;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.Option;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the edge (the {@code server:} YAML block plus {@code multitenancy_enabled}),
 * with Pyroscope's keys, flags and defaults.
 *
 * <p>{@code maxRequestBytes} is not an option of its own: the composition root sets it from
 * {@code Limits#ingestionBodyLimitBytes()} through {@link #withMaxRequestBytes(long)}. It bounds
 * every HTTP request body on the HTTP port, before and after {@code Content-Encoding: gzip} is
 * undone. Values above {@link #MAX_BODY_BYTES} are clamped, since a body is held in one array.
 *
 * @param httpListenAddress address of the HTTP port; empty means every interface
 * @param httpListenPort HTTP port; 0 picks a free port (see {@link Server#httpPort()})
 * @param grpcListenAddress address of the gRPC port; empty means every interface
 * @param grpcListenPort gRPC port; 0 picks a free port
 * @param grpcMaxRecvMsgSize largest gRPC message the gRPC port accepts, in bytes
 * @param grpcMaxSendMsgSize largest gRPC message the gRPC port sends, in bytes
 * @param gracefulShutdownTimeout how long stop waits for requests in flight
 * @param httpIdleTimeout how long an HTTP connection may sit idle between requests
 * @param multitenancyEnabled whether {@code X-Scope-OrgID} is required (otherwise tenant {@code anonymous})
 * @param maxRequestBytes the largest HTTP request body, in bytes
 * @param httpReadTimeout how long a request's body may take to arrive after its headers; zero for ever
 * @param httpReadHeaderTimeout how long a request's headers may take to arrive after its first
 *     byte; zero means the read timeout
 * @param maxInflightRequestBytes the heap all requests in flight may hold for their bodies and
 *     decoded forms; zero means a quarter of the JVM's maximum heap
 */
public record ServerConfig(
    String httpListenAddress,
    int httpListenPort,
    String grpcListenAddress,
    int grpcListenPort,
    int grpcMaxRecvMsgSize,
    int grpcMaxSendMsgSize,
    Duration gracefulShutdownTimeout,
    Duration httpIdleTimeout,
    boolean multitenancyEnabled,
    long maxRequestBytes,
    Duration httpReadTimeout,
    Duration httpReadHeaderTimeout,
    long maxInflightRequestBytes) {

  /** The largest body the HTTP port can hold (one Java array). */
  public static final long MAX_BODY_BYTES = Integer.MAX_VALUE - 16;
  /** Pyroscope's {@code -distributor.ingestion-body-limit-mb} default, used until the root sets the limit. */
  public static final long DEFAULT_MAX_REQUEST_BYTES = 256L << 20;

  public static final Option<String> HTTP_LISTEN_ADDRESS = Option.string("server.http_listen_address",
      "server.http-listen-address", "", "HTTP server listen address.");
  public static final Option<Integer> HTTP_LISTEN_PORT = Option.integer("server.http_listen_port",
      "server.http-listen-port", 4040, "HTTP server listen port.");
  public static final Option<String> GRPC_LISTEN_ADDRESS = Option.string("server.grpc_listen_address",
      "server.grpc-listen-address", "", "gRPC server listen address.");
  public static final Option<Integer> GRPC_LISTEN_PORT = Option.integer("server.grpc_listen_port",
      "server.grpc-listen-port", 9095, "gRPC server listen port.");
  public static final Option<Integer> GRPC_MAX_RECV_MSG_SIZE = Option.integer("server.grpc_server_max_recv_msg_size",
      "server.grpc-max-recv-msg-size-bytes", 104857600, "Limit on the size of a gRPC message this server can receive (bytes).");
  public static final Option<Integer> GRPC_MAX_SEND_MSG_SIZE = Option.integer("server.grpc_server_max_send_msg_size",
      "server.grpc-max-send-msg-size-bytes", 104857600, "Limit on the size of a gRPC message this server can send (bytes).");
  public static final Option<Duration> GRACEFUL_SHUTDOWN_TIMEOUT = Option.duration("server.graceful_shutdown_timeout",
      "server.graceful-shutdown-timeout", Duration.ofSeconds(30), "Timeout for graceful shutdowns.");
  public static final Option<Duration> HTTP_IDLE_TIMEOUT = Option.duration("server.http_server_idle_timeout",
      "server.http-idle-timeout", Duration.ofMinutes(2), "Idle timeout for the HTTP server.");
  public static final Option<Duration> HTTP_READ_TIMEOUT = Option.duration("server.http_server_read_timeout",
      "server.http-read-timeout", Duration.ofSeconds(30),
      "Read timeout for the HTTP server: the most time a request's body may take to arrive after its headers"
          + " (408 after it). 0 disables it.");
  public static final Option<Duration> HTTP_READ_HEADER_TIMEOUT = Option.duration(
      "server.http_server_read_header_timeout", "server.http-read-header-timeout", Duration.ZERO,
      "Read timeout for HTTP request headers: the most time from a request's first byte to the end of its headers"
          + " (408 after it). 0 uses -server.http-read-timeout.");
  public static final Option<Long> MAX_INFLIGHT_REQUEST_BYTES = Option.bytes("server.max_inflight_request_bytes",
      "server.max-inflight-request-bytes", 0L,
      "The heap all requests in flight may hold together for their bodies and decoded forms; one request may hold"
          + " at most this much (413 beyond), and a request that does not fit while others hold the rest gets 429."
          + " 0 means a quarter of the JVM's maximum heap (-Xmx). Flarestack only.");
  public static final Option<Boolean> MULTITENANCY_ENABLED = Option.bool("multitenancy_enabled",
      "auth.multitenancy-enabled", false, "When set to true, incoming HTTP requests must specify tenant ID in HTTP X-Scope-OrgId header. When set to false, tenant ID anonymous is used instead.");

  public ServerConfig {
    requireNonNull(httpListenAddress, "httpListenAddress is null");
    requireNonNull(grpcListenAddress, "grpcListenAddress is null");
    requireNonNull(gracefulShutdownTimeout, "gracefulShutdownTimeout is null");
    requireNonNull(httpIdleTimeout, "httpIdleTimeout is null");
    checkPort("server.http-listen-port", httpListenPort);
    checkPort("server.grpc-listen-port", grpcListenPort);
    if (grpcMaxRecvMsgSize <= 0 || grpcMaxSendMsgSize <= 0) {
      throw new IllegalArgumentException("gRPC message size limits must be positive, got receive "
          + grpcMaxRecvMsgSize + " and send " + grpcMaxSendMsgSize);
    }
    requireNonNull(httpReadTimeout, "httpReadTimeout is null");
    requireNonNull(httpReadHeaderTimeout, "httpReadHeaderTimeout is null");
    if (gracefulShutdownTimeout.isNegative() || httpIdleTimeout.isNegative() || httpReadTimeout.isNegative()
        || httpReadHeaderTimeout.isNegative()) {
      throw new IllegalArgumentException("server timeouts must not be negative, got graceful shutdown "
          + gracefulShutdownTimeout + ", idle " + httpIdleTimeout + ", read " + httpReadTimeout + " and read header "
          + httpReadHeaderTimeout);
    }
    if (maxInflightRequestBytes < 0) {
      throw new IllegalArgumentException("-server.max-inflight-request-bytes must not be negative, got "
          + maxInflightRequestBytes);
    }
    if (maxRequestBytes <= 0) {
      throw new IllegalArgumentException("maxRequestBytes must be positive, got " + maxRequestBytes);
    }
    maxRequestBytes = Math.min(maxRequestBytes, MAX_BODY_BYTES);
  }

  private static void checkPort(String flag, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("-" + flag + " must be between 0 and 65535, got " + port);
    }
  }

  public static List<Option<?>> options() {
    return List.of(HTTP_LISTEN_ADDRESS, HTTP_LISTEN_PORT, GRPC_LISTEN_ADDRESS, GRPC_LISTEN_PORT, GRPC_MAX_RECV_MSG_SIZE,
        GRPC_MAX_SEND_MSG_SIZE, GRACEFUL_SHUTDOWN_TIMEOUT, HTTP_IDLE_TIMEOUT, HTTP_READ_TIMEOUT, HTTP_READ_HEADER_TIMEOUT,
        MAX_INFLIGHT_REQUEST_BYTES, MULTITENANCY_ENABLED);
  }

  /** Reads the options; {@code maxRequestBytes} starts at {@link #DEFAULT_MAX_REQUEST_BYTES}. */
  public static ServerConfig from(ConfigValues v) {
    return new ServerConfig(v.get(HTTP_LISTEN_ADDRESS), v.get(HTTP_LISTEN_PORT), v.get(GRPC_LISTEN_ADDRESS),
        v.get(GRPC_LISTEN_PORT), v.get(GRPC_MAX_RECV_MSG_SIZE), v.get(GRPC_MAX_SEND_MSG_SIZE),
        v.get(GRACEFUL_SHUTDOWN_TIMEOUT), v.get(HTTP_IDLE_TIMEOUT), v.get(MULTITENANCY_ENABLED),
        DEFAULT_MAX_REQUEST_BYTES, v.get(HTTP_READ_TIMEOUT), v.get(HTTP_READ_HEADER_TIMEOUT),
        v.get(MAX_INFLIGHT_REQUEST_BYTES));
  }

  /** Pyroscope's defaults. */
  public static ServerConfig defaults() {
    return new ServerConfig("", 4040, "", 9095, 104857600, 104857600, Duration.ofSeconds(30), Duration.ofMinutes(2),
        false, DEFAULT_MAX_REQUEST_BYTES, Duration.ofSeconds(30), Duration.ZERO, 0);
  }

  /** A copy with another HTTP request body limit (clamped to {@link #MAX_BODY_BYTES}). */
  public ServerConfig withMaxRequestBytes(long bytes) {
    return new ServerConfig(httpListenAddress, httpListenPort, grpcListenAddress, grpcListenPort, grpcMaxRecvMsgSize,
        grpcMaxSendMsgSize, gracefulShutdownTimeout, httpIdleTimeout, multitenancyEnabled, bytes, httpReadTimeout, httpReadHeaderTimeout,
        maxInflightRequestBytes);
  }

  /** A copy listening on other ports (0 = ephemeral), for tests and embedded use. */
  public ServerConfig withPorts(int httpPort, int grpcPort) {
    return new ServerConfig(httpListenAddress, httpPort, grpcListenAddress, grpcPort, grpcMaxRecvMsgSize,
        grpcMaxSendMsgSize, gracefulShutdownTimeout, httpIdleTimeout, multitenancyEnabled, maxRequestBytes, httpReadTimeout, httpReadHeaderTimeout,
        maxInflightRequestBytes);
  }

  /** A copy with multitenancy switched on or off. */
  public ServerConfig withMultitenancy(boolean enabled) {
    return new ServerConfig(httpListenAddress, httpListenPort, grpcListenAddress, grpcListenPort, grpcMaxRecvMsgSize,
        grpcMaxSendMsgSize, gracefulShutdownTimeout, httpIdleTimeout, enabled, maxRequestBytes, httpReadTimeout, httpReadHeaderTimeout,
        maxInflightRequestBytes);
  }

  /** A copy with other read timeouts (zero header timeout: the read timeout). */
  public ServerConfig withReadTimeouts(Duration read, Duration readHeader) {
    return new ServerConfig(httpListenAddress, httpListenPort, grpcListenAddress, grpcListenPort, grpcMaxRecvMsgSize,
        grpcMaxSendMsgSize, gracefulShutdownTimeout, httpIdleTimeout, multitenancyEnabled, maxRequestBytes, read,
        readHeader, maxInflightRequestBytes);
  }

  /** A copy with another in-flight request memory budget (zero: a quarter of the maximum heap). */
  public ServerConfig withMaxInflightRequestBytes(long bytes) {
    return new ServerConfig(httpListenAddress, httpListenPort, grpcListenAddress, grpcListenPort, grpcMaxRecvMsgSize,
        grpcMaxSendMsgSize, gracefulShutdownTimeout, httpIdleTimeout, multitenancyEnabled, maxRequestBytes,
        httpReadTimeout, httpReadHeaderTimeout, bytes);
  }

  /** The in-flight request memory budget in bytes, with zero resolved against the JVM's maximum heap. */
  public long effectiveMaxInflightRequestBytes() {
    return maxInflightRequestBytes > 0 ? maxInflightRequestBytes : Runtime.getRuntime().maxMemory() / 4;
  }

  /** The header read timeout in force: its own, or the read timeout when zero. */
  public Duration effectiveReadHeaderTimeout() {
    return httpReadHeaderTimeout.isZero() ? httpReadTimeout : httpReadHeaderTimeout;
  }

  /** A copy with another graceful shutdown timeout. */
  public ServerConfig withGracefulShutdownTimeout(Duration timeout) {
    return new ServerConfig(httpListenAddress, httpListenPort, grpcListenAddress, grpcListenPort, grpcMaxRecvMsgSize,
        grpcMaxSendMsgSize, timeout, httpIdleTimeout, multitenancyEnabled, maxRequestBytes, httpReadTimeout, httpReadHeaderTimeout,
        maxInflightRequestBytes);
  }
}
