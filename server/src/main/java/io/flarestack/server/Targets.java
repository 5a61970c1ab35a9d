package io.flarestack.server;

import io.flarestack.compactor.CompactorConfig;
import io.flarestack.queryfrontend.QueryFrontendConfig;
import io.flarestack.queryscheduler.QuerySchedulerConfig;
import io.flarestack.storegateway.StoreGatewayConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The module names {@code -target} accepts, and which of them can run today. */
final class Targets {
  static final String ALL = "all";
  static final String SERVER = "server";
  static final String KV = "memberlist-kv";
  static final String RING = "ring";
  static final String DISTRIBUTOR = "distributor";
  static final String INGESTER = "ingester";
  static final String QUERIER = "querier";
  static final String TENANT_SETTINGS = "tenant-settings";
  static final String STORE_GATEWAY = StoreGatewayConfig.MODULE;
  /** Internal: the object store bucket and its health, shared by ingester and store-gateway. */
  static final String STORAGE = "storage";
  /** The web UI's routes; internal, part of the querier (the UI calls the query API on the same origin). */
  static final String UI = "ui";

  /** Components whose module exists but whose work comes with a later part of the system. */
  static final Map<String, String> NOT_YET = Map.of(
      QueryFrontendConfig.MODULE, "it comes with the microservices mode; the querier serves the query API meanwhile");

  /**
   * Modules that run today as their ring membership only: they join their ring, turn ACTIVE and
   * leave on shutdown, while their work (compaction, query scheduling) comes later.
   */
  static final String COMPACTOR = CompactorConfig.MODULE;
  static final String QUERY_SCHEDULER = QuerySchedulerConfig.MODULE;

  /** The user-visible modules, in the order {@code -modules} prints them. */
  static final List<String> VISIBLE = List.of(ALL, DISTRIBUTOR, INGESTER, QUERIER, TENANT_SETTINGS,
      QueryFrontendConfig.MODULE, QuerySchedulerConfig.MODULE, StoreGatewayConfig.MODULE, CompactorConfig.MODULE);

  /** The modules {@code all} runs. */
  // The ingester first: it then stops last, after the distributor and querier that call it; the
  // store-gateway before the querier that calls it.
  static final List<String> IN_ALL = List.of(INGESTER, STORE_GATEWAY, DISTRIBUTOR, QUERIER, TENANT_SETTINGS,
      COMPACTOR, QUERY_SCHEDULER);

  private Targets() {}

  /** Whether {@code targets} run {@code module}, directly or through {@code all}. */
  static boolean runs(List<String> targets, String module) {
    return targets.contains(module) || (targets.contains(ALL) && IN_ALL.contains(module));
  }

  static List<String> validate(List<String> targets) {
    List<String> problems = new ArrayList<>();
    if (targets.isEmpty()) {
      problems.add("-target: empty; choose one or more of " + String.join(", ", VISIBLE));
    }
    for (String t : targets) {
      if (NOT_YET.containsKey(t)) {
        problems.add("-target: module \"" + t + "\" cannot run yet: " + NOT_YET.get(t));
      } else if (!VISIBLE.contains(t)) {
        problems.add("-target: unknown module \"" + t + "\"; choose from " + String.join(", ", VISIBLE));
      }
    }
    return problems;
  }
}
