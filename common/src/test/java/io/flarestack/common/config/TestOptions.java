package io.flarestack.common.config;

import java.time.Duration;
import java.util.List;

/** A small declaration set with one option of every type, named like Pyroscope's. */
final class TestOptions {
  static final Option<Integer> HTTP_PORT = Option.integer("server.http_listen_port", "server.http-listen-port", 4040,
      "HTTP server listen port.");
  static final Option<String> HTTP_ADDRESS = Option.string("server.http_listen_address", "server.http-listen-address",
      "", "HTTP server listen address.");
  static final Option<Long> ROW_GROUP_SIZE = Option.longValue("pyroscopedb.row_group_target_size",
      "pyroscopedb.row-group-target-size", 1342177280L, "How big a row group may grow.");
  static final Option<Double> INGESTION_RATE = Option.doubleValue("limits.ingestion_rate_mb",
      "distributor.ingestion-rate-limit-mb", 4, "Per-tenant ingestion rate limit in MB/s.");
  static final Option<Boolean> MULTITENANCY = Option.bool("multitenancy_enabled", "auth.multitenancy-enabled", false,
      "When set to true, incoming HTTP requests must specify tenant ID in HTTP X-Scope-OrgId header.");
  static final Option<Duration> HEARTBEAT = Option.duration("ingester.lifecycler.heartbeat_period",
      "ingester.heartbeat-period", Duration.ofSeconds(5), "Period at which to heartbeat to the ring.");
  static final Option<Long> MAX_PROFILE_SIZE = Option.bytes("limits.max_profile_size_bytes",
      "validation.max-profile-size-bytes", 4L << 20, "Maximum size of a profile in bytes.");
  static final Option<List<String>> JOIN = Option.stringList("memberlist.join_members", "memberlist.join", List.of(),
      "Other cluster members to join.");
  static final Option<String> S3_SECRET = Option.string("storage.s3.secret_access_key", "storage.s3.secret-access-key",
      "", "S3 secret access key.").asSecret();
  static final Option<String> TLS_CERT = Option.string("server.http_tls_config.cert", null, "",
      "TLS certificate, inline (YAML only).");
  static final Option<Boolean> HELP = Option.bool(null, "help", false, "Print basic help.");

  static final List<Option<?>> ALL = List.of(HTTP_PORT, HTTP_ADDRESS, ROW_GROUP_SIZE, INGESTION_RATE, MULTITENANCY,
      HEARTBEAT, MAX_PROFILE_SIZE, JOIN, S3_SECRET, TLS_CERT, HELP);

  private TestOptions() {}
}
