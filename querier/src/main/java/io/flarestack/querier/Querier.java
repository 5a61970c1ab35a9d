package io.flarestack.querier;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.ingester.v1.IngesterServiceGrpc.IngesterServiceBlockingStub;
import io.flarestack.api.ingester.v1.MergePprofRequest;
import io.flarestack.api.ingester.v1.MergeTreeRequest;
import io.flarestack.api.ingester.v1.PartialSeries;
import io.flarestack.api.ingester.v1.SelectProfilesRequest;
import io.flarestack.api.ingester.v1.SelectSeriesRequest;
import io.flarestack.api.ingester.v1.SelectSeriesResponse;
import io.flarestack.api.querier.v1.ProfileTypesRequest;
import io.flarestack.api.querier.v1.ProfileTypesResponse;
import io.flarestack.api.querier.v1.SeriesRequest;
import io.flarestack.api.querier.v1.SeriesResponse;
import io.flarestack.api.storegateway.v1.BlockRef;
import io.flarestack.api.storegateway.v1.BlocksRequest;
import io.flarestack.api.storegateway.v1.BlocksResponse;
import io.flarestack.api.storegateway.v1.StoreGatewayServiceGrpc.StoreGatewayServiceBlockingStub;
import io.flarestack.api.types.v1.GetProfileStatsRequest;
import io.flarestack.api.types.v1.GetProfileStatsResponse;
import io.flarestack.api.types.v1.LabelNamesRequest;
import io.flarestack.api.types.v1.LabelNamesResponse;
import io.flarestack.api.types.v1.LabelValuesRequest;
import io.flarestack.api.types.v1.LabelValuesResponse;
import io.flarestack.api.types.v1.Labels;
import io.flarestack.api.types.v1.ProfileType;
import io.flarestack.common.cancel.Cancellation;
import io.flarestack.common.lifecycle.AbstractService;
import io.flarestack.common.model.pprof.PprofMerger;
import io.flarestack.common.model.series.Steps;
import io.flarestack.common.model.tree.CallTree;
import io.grpc.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Answers reads by asking the ingesters and store-gateways and merging: union of metadata,
 * merged call trees, merged pprof, merged partial series. Request validation and response
 * shaping live in {@link io.flarestack.querier.api.QuerierServiceImpl}. Thread-safe.
 *
 * <p>Each profile is counted exactly once although a block can be both in object storage and
 * still in an ingester (as a head being written or as a local block kept for a while after its
 * upload): for a profile read (tree, pprof, series) the querier first asks the store-gateways
 * which blocks cover the range and which of those each owns in the store-gateway ring
 * ({@code Blocks}), gives each block to one store-gateway (an owner when one answered), then, in
 * parallel, tells each store-gateway to read exactly its blocks and the ingesters to leave out
 * every planned block and its {@code sources}. Metadata reads are unions, where duplicates do not
 * matter, and ask one store-gateway. With replication
 * factor above 1 every profile is held by several ingesters, and by the blocks each uploaded:
 * profile reads then run in two phases that pick one copy of each ({@link ReplicatedRead}), and
 * reads tolerate as many failed ingesters as replication covers. See docs/storage.md.
 *
 * <p>Every call runs in the caller's gRPC context, which the calls to backends carry (deadline,
 * cancellation); merging stops with {@link io.flarestack.common.cancel.QueryCancelledException}
 * once that context is cancelled.
 */
public final class Querier extends AbstractService {
  private final IngesterQueryClients ingesters;
  private final StoreGatewayQueryClients storeGateways;
  private final Fanout fanout;
  private final Executor executor;
  private final QueryStoreAfter storeAfter;
  private final int maxProfileKeys;
  private final AtomicInteger nextGateway = new AtomicInteger();

  public Querier(IngesterQueryClients ingesters, StoreGatewayQueryClients storeGateways, Executor executor) {
    this(ingesters, storeGateways, QueryStoreAfter.OFF, ReplicatedRead.MAX_PROFILE_KEYS.defaultValue(), executor);
  }

  /**
   * @param storeAfter which backends a read needs by time ({@code -querier.query-store-after})
   * @param maxProfileKeys how many profiles a replica-de-duplicated read may select
   *     ({@code -querier.max-replicated-profiles})
   */
  public Querier(IngesterQueryClients ingesters, StoreGatewayQueryClients storeGateways, QueryStoreAfter storeAfter,
      int maxProfileKeys, Executor executor) {
    super("querier");
    this.maxProfileKeys = maxProfileKeys;
    this.storeAfter = requireNonNull(storeAfter, "storeAfter is null");
    this.ingesters = requireNonNull(ingesters, "ingesters is null");
    this.storeGateways = requireNonNull(storeGateways, "storeGateways is null");
    this.fanout = new Fanout(executor);
    this.executor = executor;
  }

  /** A querier without store-gateways: recent data from the ingesters only. */
  public Querier(IngesterQueryClients ingesters, Executor executor) {
    this(ingesters, StoreGatewayQueryClients.NONE, executor);
  }

  /**
   * Which store-gateway reads which blocks for a selection, and so which blocks (with their
   * sources) the ingesters must leave out.
   */
  private record Plan(List<Share> shares, Set<String> sources) {
    static final Plan NONE = new Plan(List.of(), Set.of());

    boolean isEmpty() {
      return shares.isEmpty();
    }

    SelectProfilesRequest forIngesters(SelectProfilesRequest select) {
      return sources.isEmpty() ? select : select.toBuilder().addAllExcludeBlocks(sources).build();
    }
  }

  /** The blocks one store-gateway reads. */
  private record Share(StoreGatewayServiceBlockingStub gateway, List<String> blocks) {
    SelectProfilesRequest request(SelectProfilesRequest select) {
      return select.toBuilder().addAllBlocks(blocks).build();
    }
  }

  /**
   * Asks every store-gateway which blocks cover the range and gives each block to one of the
   * store-gateways that own it (spread by block id), or, when no answering one owns it (an owner
   * is down or has not synced the block yet, the ring is changing), to one of those that listed
   * it: every store-gateway can read every block it has synced, and only those. A store-gateway
   * that fails to answer is left out while another answers.
   */
  private Plan plan(SelectProfilesRequest select, List<StoreGatewayServiceBlockingStub> gateways) {
    if (gateways.isEmpty()) {
      return Plan.NONE;
    }
    BlocksRequest req = BlocksRequest.newBuilder().setStart(select.getStart()).setEnd(select.getEnd()).build();
    List<Supplier<BlocksResponse>> tasks = new ArrayList<>();
    for (StoreGatewayServiceBlockingStub g : gateways) {
      tasks.add(() -> g.blocks(req));
    }
    List<Fanout.Outcome<BlocksResponse>> answers = fanout.each(tasks);
    Fanout.values(answers, gateways.size() - 1); // throws when none answered
    // Per block: the store-gateways that listed it (they have synced it, so they can read it), and
    // those of them that own it.
    Map<String, List<Integer>> listed = new LinkedHashMap<>();
    Map<String, List<Integer>> owners = new LinkedHashMap<>();
    Set<String> sources = new LinkedHashSet<>();
    for (int g = 0; g < gateways.size(); g++) {
      if (answers.get(g).failed()) {
        continue;
      }
      for (BlockRef b : answers.get(g).value().getBlocksList()) {
        listed.computeIfAbsent(b.getId(), id -> new ArrayList<>()).add(g);
        List<Integer> o = owners.computeIfAbsent(b.getId(), id -> new ArrayList<>());
        if (b.getOwned()) {
          o.add(g);
        }
        sources.addAll(b.getSourcesList());
        sources.add(b.getId());
      }
    }
    if (listed.isEmpty()) {
      return Plan.NONE;
    }
    Map<Integer, List<String>> byGateway = new TreeMap<>();
    for (Map.Entry<String, List<Integer>> e : listed.entrySet()) {
      List<Integer> o = owners.get(e.getKey());
      List<Integer> candidates = o.isEmpty() ? e.getValue() : o;
      int g = candidates.get(Math.floorMod(e.getKey().hashCode(), candidates.size()));
      byGateway.computeIfAbsent(g, x -> new ArrayList<>()).add(e.getKey());
    }
    List<Share> shares = new ArrayList<>();
    byGateway.forEach((g, blocks) -> shares.add(new Share(gateways.get(g), List.copyOf(blocks))));
    return new Plan(List.copyOf(shares), sources);
  }

  /**
   * Asks the ingesters (leaving out the planned blocks) and the store-gateways (each reading its
   * share of the planned blocks), in parallel. With replicated ingesters the read runs in two
   * phases so each profile counts once ({@link ReplicatedRead}); {@code keysStart} is where its
   * first phase starts (earlier than the selection when steps reach back).
   */
  private <T> List<T> profiles(SelectProfilesRequest select, long keysStart,
      Function<SelectProfilesRequest, Function<IngesterServiceBlockingStub, T>> ingester,
      Function<SelectProfilesRequest, Function<StoreGatewayServiceBlockingStub, T>> storeGateway) {
    IngesterQueryClients.ReadSet replicas = ingesters(select.getStart(), select.getEnd());
    Plan plan = plan(select, storeGateways(select.getStart(), select.getEnd()));
    if (replicas.replicated()) {
      return replicated(select, keysStart, replicas, plan, ingester, storeGateway);
    }
    if (plan.isEmpty()) {
      return fanout.call(replicas.clients(), ingester.apply(select), 0);
    }
    List<Supplier<T>> fromBlocks = new ArrayList<>();
    for (Share share : plan.shares()) {
      SelectProfilesRequest req = share.request(select);
      fromBlocks.add(() -> storeGateway.apply(req).apply(share.gateway()));
    }
    CompletableFuture<List<T>> blocks = CompletableFuture.supplyAsync(() -> Fanout.values(fanout.each(fromBlocks), 0),
        Context.currentContextExecutor(executor));
    List<T> out = new ArrayList<>(fanout.call(replicas.clients(), ingester.apply(plan.forIngesters(select)), 0));
    out.addAll(Fanout.join(blocks));
    return out;
  }

  private <T> List<T> replicated(SelectProfilesRequest select, long keysStart, IngesterQueryClients.ReadSet replicas,
      Plan plan, Function<SelectProfilesRequest, Function<IngesterServiceBlockingStub, T>> ingester,
      Function<SelectProfilesRequest, Function<StoreGatewayServiceBlockingStub, T>> storeGateway) {
    List<ReplicatedRead.Target<T>> targets = new ArrayList<>();
    SelectProfilesRequest forIngesters = plan.forIngesters(select);
    SelectProfilesRequest ingesterKeys = forIngesters.toBuilder().setStart(keysStart).build();
    for (IngesterServiceBlockingStub stub : replicas.clients()) {
      targets.add(new ReplicatedRead.Target<>("ingester", stub::selectProfileKeys,
          sel -> ingester.apply(sel).apply(stub), ingesterKeys, forIngesters, true));
    }
    // The planned blocks hold the copies several ingesters uploaded: each store-gateway counts one.
    for (Share share : plan.shares()) {
      SelectProfilesRequest forGateway = share.request(select).toBuilder().setDeduplicate(true).build();
      StoreGatewayServiceBlockingStub stub = share.gateway();
      targets.add(new ReplicatedRead.Target<>("store-gateway", stub::selectProfileKeys,
          sel -> storeGateway.apply(sel).apply(stub), forGateway.toBuilder().setStart(keysStart).build(), forGateway,
          false));
    }
    return ReplicatedRead.run(fanout, targets, replicas.maxErrors(), maxProfileKeys);
  }

  private IngesterQueryClients.ReadSet ingesters(long startMs, long endMs) {
    return storeAfter.asksIngesters(startMs, endMs) ? ingesters.forRead() : IngesterQueryClients.ReadSet.unreplicated(List.of());
  }

  private List<StoreGatewayServiceBlockingStub> storeGateways(long startMs, long endMs) {
    return storeAfter.asksStoreGateways(startMs, endMs) ? storeGateways.forRead() : List.of();
  }

  /**
   * Asks the ingesters and one store-gateway (any can read every block; they take turns) the same
   * metadata question, in parallel.
   */
  private <T> List<T> everywhere(long startMs, long endMs, Function<IngesterServiceBlockingStub, T> ingester,
      Function<StoreGatewayServiceBlockingStub, T> storeGateway) {
    IngesterQueryClients.ReadSet replicas = ingesters(startMs, endMs);
    List<StoreGatewayServiceBlockingStub> gateways = storeGateways(startMs, endMs);
    if (gateways.isEmpty()) {
      return fanout.call(replicas.clients(), ingester, replicas.maxErrors());
    }
    StoreGatewayServiceBlockingStub gateway = gateways.get(Math.floorMod(nextGateway.getAndIncrement(), gateways.size()));
    CompletableFuture<List<T>> fromBlocks = fanout.callAsync(List.of(gateway), storeGateway, 0);
    List<T> out = new ArrayList<>(fanout.call(replicas.clients(), ingester, replicas.maxErrors()));
    out.addAll(Fanout.join(fromBlocks));
    return out;
  }

  @Override
  protected void doStart() {}

  @Override
  protected void doStop() {}

  /** Distinct profile types, sorted by id. */
  public List<ProfileType> profileTypes(long start, long end) {
    ProfileTypesRequest req = ProfileTypesRequest.newBuilder().setStart(start).setEnd(end).build();
    TreeMap<String, ProfileType> byId = new TreeMap<>();
    for (ProfileTypesResponse r : everywhere(start, end, s -> s.profileTypes(req), s -> s.profileTypes(req))) {
      for (ProfileType t : r.getProfileTypesList()) {
        byId.putIfAbsent(t.getID(), t);
      }
    }
    return new ArrayList<>(byId.values());
  }

  public List<String> labelNames(List<String> matchers, long start, long end) {
    LabelNamesRequest req = LabelNamesRequest.newBuilder().addAllMatchers(matchers).setStart(start).setEnd(end).build();
    Set<String> names = new TreeSet<>();
    for (LabelNamesResponse r : everywhere(start, end, s -> s.labelNames(req), s -> s.labelNames(req))) {
      names.addAll(r.getNamesList());
    }
    return new ArrayList<>(names);
  }

  public List<String> labelValues(String name, List<String> matchers, long start, long end) {
    LabelValuesRequest req = LabelValuesRequest.newBuilder()
        .setName(name).addAllMatchers(matchers).setStart(start).setEnd(end).build();
    Set<String> values = new TreeSet<>();
    for (LabelValuesResponse r : everywhere(start, end, s -> s.labelValues(req), s -> s.labelValues(req))) {
      values.addAll(r.getNamesList());
    }
    return new ArrayList<>(values);
  }

  /** Unique label sets, in the order first seen. */
  public List<Labels> series(SeriesRequest req) {
    Set<Labels> out = new LinkedHashSet<>();
    for (SeriesResponse r : everywhere(req.getStart(), req.getEnd(), s -> s.series(req), s -> s.series(req))) {
      out.addAll(r.getLabelsSetList());
    }
    return new ArrayList<>(out);
  }

  /** The merged call tree of the selection, truncated to {@code maxNodes} (0 = not truncated). */
  public CallTree mergeTree(SelectProfilesRequest select, long maxNodes) {
    CallTree merged = null;
    for (var r : profiles(select, select.getStart(),
        sel -> s -> s.mergeTree(MergeTreeRequest.newBuilder().setSelect(sel).setMaxNodes(maxNodes).build()),
        sel -> s -> s.mergeTree(MergeTreeRequest.newBuilder().setSelect(sel).setMaxNodes(maxNodes).build()))) {
      Cancellation cancel = Cancellation.current();
      CallTree t = CallTree.fromProto(r.getTree(), cancel);
      if (merged == null) {
        merged = t;
      } else {
        merged.merge(t, cancel);
      }
    }
    if (merged == null) {
      merged = new CallTree();
    }
    return merged.truncate(maxNodes, Cancellation.current());
  }

  /** The merged pprof of the selection (one sample type). */
  public Profile mergePprof(SelectProfilesRequest select, long maxNodes) {
    List<Profile> parts = profiles(select, select.getStart(),
        sel -> s -> s.mergePprof(MergePprofRequest.newBuilder().setSelect(sel).setMaxNodes(maxNodes).build()),
        sel -> s -> s.mergePprof(MergePprofRequest.newBuilder().setSelect(sel).setMaxNodes(maxNodes).build()));
    return PprofMerger.merge(parts, Cancellation.current());
  }

  /** Partial series from every ingester, for the caller to merge and aggregate. */
  public List<List<PartialSeries>> selectSeries(SelectProfilesRequest select, List<String> groupBy, long stepMillis) {
    Function<SelectProfilesRequest, SelectSeriesRequest> req = sel -> SelectSeriesRequest.newBuilder()
        .setSelect(sel).addAllGroupBy(groupBy).setStepMillis(stepMillis).build();
    List<List<PartialSeries>> out = new ArrayList<>();
    // A point's profiles reach back one step before the range's start.
    long keysStart = stepMillis > 0 && select.getStart() <= select.getEnd()
        ? new Steps(select.getStart(), select.getEnd(), stepMillis).readStart() : select.getStart();
    for (SelectSeriesResponse r : profiles(select, keysStart, sel -> s -> s.selectSeries(req.apply(sel)),
        sel -> s -> s.selectSeries(req.apply(sel)))) {
      out.add(r.getSeriesList());
    }
    return out;
  }

  public GetProfileStatsResponse profileStats() {
    boolean ingested = false;
    long oldest = Long.MAX_VALUE;
    long newest = Long.MIN_VALUE;
    GetProfileStatsRequest req = GetProfileStatsRequest.getDefaultInstance();
    for (GetProfileStatsResponse r : everywhere(0, 0, s -> s.getProfileStats(req), s -> s.getProfileStats(req))) {
      if (r.getDataIngested()) {
        ingested = true;
        oldest = Math.min(oldest, r.getOldestProfileTime());
        newest = Math.max(newest, r.getNewestProfileTime());
      }
    }
    return GetProfileStatsResponse.newBuilder()
        .setDataIngested(ingested).setOldestProfileTime(oldest).setNewestProfileTime(newest).build();
  }
}
