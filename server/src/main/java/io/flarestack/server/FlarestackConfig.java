package io.flarestack.server;

import io.flarestack.common.config.ConfigException;
import io.flarestack.common.config.ConfigLoader;
import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.Option;
import io.flarestack.common.edge.ServerConfig;
import io.flarestack.common.limits.Limits;
import io.flarestack.compactor.CompactorConfig;
import io.flarestack.distributor.DistributorConfig;
import io.flarestack.distributor.ingest.jfr.JfrConfig;
import io.flarestack.distributor.writepath.IngesterShardingConfig;
import io.flarestack.ingester.IngesterConfig;
import io.flarestack.objstore.BucketConfig;
import io.flarestack.querier.QuerierConfig;
import io.flarestack.queryfrontend.QueryFrontendConfig;
import io.flarestack.queryscheduler.QuerySchedulerConfig;
import io.flarestack.storegateway.StoreGatewayConfig;
import io.flarestack.common.ring.RingFlags;
import io.flarestack.kv.etcd.EtcdConfig;
import io.flarestack.kv.memberlist.MemberlistConfig;
import io.flarestack.server.cluster.ComponentRings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The whole process configuration: every component's options, whatever the target, so a
 * Pyroscope-style config file shared by all components loads in each of them. Loaded once in
 * {@link Main}; immutable.
 */
public record FlarestackConfig(
    ConfigValues values,
    List<String> targets,
    String logLevel,
    ServerConfig server,
    Limits limits,
    IngesterRingConfig ingesterRing,
    DistributorConfig distributor,
    IngesterConfig ingester,
    QuerierConfig querier) {

  public static final Option<List<String>> TARGET = Option.stringList("target", "target", List.of(Targets.ALL),
      "Comma-separated list of modules to run: all, distributor, ingester, querier, tenant-settings, ...");
  public static final Option<String> LOG_LEVEL = Option.string("server.log_level", "log.level", "info",
      "Only log messages with the given severity or above: debug, info, warn, error.");
  public static final Option<Boolean> HELP = Option.bool(null, "help", false, "Print the flags and exit.");
  public static final Option<Boolean> VERSION = Option.bool(null, "version", false, "Print the version and exit.");
  public static final Option<Boolean> MODULES = Option.bool(null, "modules", false,
      "List the modules -target accepts and exit; those in 'all' are marked with *.");

  /** Every declared option of every component. */
  public static List<Option<?>> options() {
    List<Option<?>> all = new ArrayList<>(List.of(TARGET, LOG_LEVEL, HELP, VERSION, MODULES));
    all.addAll(ServerConfig.options());
    all.addAll(Limits.options());
    all.addAll(IngesterRingConfig.options());
    all.addAll(ComponentRings.options());
    all.addAll(MemberlistConfig.options());
    all.addAll(EtcdConfig.options());
    all.addAll(DistributorConfig.options());
    all.addAll(IngesterShardingConfig.options());
    all.addAll(JfrConfig.options());
    all.addAll(IngesterConfig.options());
    all.addAll(QuerierConfig.options());
    all.addAll(QueryFrontendConfig.options());
    all.addAll(QuerySchedulerConfig.options());
    all.addAll(StoreGatewayConfig.options());
    all.addAll(CompactorConfig.options());
    all.addAll(BucketConfig.options());
    return List.copyOf(all);
  }

  /**
   * Loads flags, the optional YAML file and defaults, then validates across components.
   *
   * @throws ConfigException with every problem found
   */
  public static FlarestackConfig load(List<String> args, Map<String, String> env) throws ConfigException {
    return from(ConfigLoader.load(options(), args, env, values -> validate(values, env)));
  }

  static FlarestackConfig from(ConfigValues v) {
    Limits limits = Limits.from(v);
    return new FlarestackConfig(v, v.get(TARGET), v.get(LOG_LEVEL),
        ServerConfig.from(v).withMaxRequestBytes(limits.ingestionBodyLimitBytes()), limits,
        IngesterRingConfig.from(v), DistributorConfig.from(v), IngesterConfig.from(v), QuerierConfig.from(v));
  }

  /**
   * Cross-field and cross-component checks over raw values, so no record constructor throws first;
   * {@code env} supplies credentials the storage options may leave empty.
   */
  static List<String> validate(ConfigValues values, Map<String, String> env) {
    List<String> problems = new ArrayList<>(Targets.validate(values.get(TARGET)));
    String logLevel = values.get(LOG_LEVEL);
    if (!List.of("debug", "info", "warn", "error").contains(logLevel.toLowerCase(Locale.ROOT))) {
      problems.add(LOG_LEVEL.describe() + ": unknown level \"" + logLevel + "\"; use debug, info, warn or error");
    }
    List<String> targets = values.get(TARGET);
    problems.addAll(IngesterRingConfig.from(values).validate(Targets.runs(targets, Targets.INGESTER)));
    List<Option<String>> stores = new ArrayList<>(List.of(IngesterRingConfig.STORE));
    for (RingFlags ring : ComponentRings.all()) {
      problems.addAll(ring.validate(ring.from(values)));
      stores.add(ring.store());
    }
    problems.addAll(ComponentRings.validateStoreGatewayZone(values, Targets.runs(targets, Targets.STORE_GATEWAY)));
    if (values.get(StoreGatewayConfig.REPLICATION_FACTOR) < 1) {
      problems.add(StoreGatewayConfig.REPLICATION_FACTOR.describe() + ": must be at least 1, got "
          + values.get(StoreGatewayConfig.REPLICATION_FACTOR));
    }
    problems.addAll(MemberlistConfig.validate(values));
    problems.addAll(EtcdConfig.validate(values));
    boolean joined = !values.get(MemberlistConfig.JOIN).isEmpty();
    for (Option<String> store : stores) {
      if (RingFlags.effectiveStore(values.get(store), joined).equals(RingFlags.STORE_ETCD)
          && values.get(EtcdConfig.ENDPOINTS).isEmpty()) {
        problems.add(store.describe() + ": etcd needs " + EtcdConfig.ENDPOINTS.describe());
      }
    }
    problems.addAll(IngesterShardingConfig.validate(values));
    problems.addAll(CompactorConfig.validate(values));
    problems.addAll(IngesterConfig.validate(values));
    problems.addAll(QuerierConfig.validate(values));
    problems.addAll(BucketConfig.validate(values, env));
    for (Option<Integer> port : List.of(ServerConfig.HTTP_LISTEN_PORT, ServerConfig.GRPC_LISTEN_PORT)) {
      int p = values.get(port);
      if (p < 0 || p > 65535) {
        problems.add(port.describe() + ": port " + p + " is outside 0-65535");
      }
    }
    Limits limits = Limits.from(values);
    if (limits.maxFlameGraphNodesDefault() > limits.maxFlameGraphNodesMax()) {
      problems.add(Limits.MAX_FLAMEGRAPH_NODES_DEFAULT.describe() + ": default " + limits.maxFlameGraphNodesDefault()
          + " exceeds the maximum " + limits.maxFlameGraphNodesMax());
    }
    return problems;
  }
}
