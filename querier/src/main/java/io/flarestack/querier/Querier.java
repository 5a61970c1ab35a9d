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
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Answers reads by asking every ingester and store-gateway and merging: union of metadata,
 * merged call trees, merged pprof, merged partial series. Request validation and response
 * shaping live in {@link io.flarestack.querier.api.QuerierServiceImpl}. Thread-safe.
 *
 * <p>Each profile is counted exactly once although a block can be both in object storage and
 * still in an ingester (as a head being written or as a local block kept for a while after its
 * upload): for a profile read (tree, pprof, series) the querier first asks the store-gateways
 * which blocks they would read ({@code Blocks}), then, in parallel, tells the store-gateways to
 * read exactly those and the ingesters to leave out every block those contain (their
 * {@code sources}). Metadata reads are unions, where duplicates do not matter. With replication
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

  public Querier(IngesterQueryClients ingesters, StoreGatewayQueryClients storeGateways, Executor executor) {
    super("querier");
    this.ingesters = requireNonNull(ingesters, "ingesters is null");
    this.storeGateways = requireNonNull(storeGateways, "storeGateways is null");
    this.fanout = new Fanout(executor);
  }

  /** A querier without store-gateways: recent data from the ingesters only. */
  public Querier(IngesterQueryClients ingesters, Executor executor) {
    this(ingesters, StoreGatewayQueryClients.NONE, executor);
  }

  /**
   * Which blocks the store-gateways read for a selection, and so which blocks the ingesters
   * must leave out.
   */
  private record Plan(List<String> blocks, Set<String> sources) {
    static final Plan NONE = new Plan(List.of(), Set.of());

    SelectProfilesRequest forIngesters(SelectProfilesRequest select) {
      return sources.isEmpty() ? select : select.toBuilder().addAllExcludeBlocks(sources).build();
    }

    SelectProfilesRequest forStoreGateways(SelectProfilesRequest select) {
      return select.toBuilder().addAllBlocks(blocks).build();
    }
  }

  private Plan plan(SelectProfilesRequest select, List<StoreGatewayServiceBlockingStub> gateways) {
    if (gateways.isEmpty()) {
      return Plan.NONE;
    }
    BlocksRequest req = BlocksRequest.newBuilder().setStart(select.getStart()).setEnd(select.getEnd()).build();
    List<String> blocks = new ArrayList<>();
    Set<String> sources = new LinkedHashSet<>();
    for (BlocksResponse r : fanout.call(gateways, s -> s.blocks(req), 0)) {
      for (BlockRef b : r.getBlocksList()) {
        blocks.add(b.getId());
        sources.addAll(b.getSourcesList());
        sources.add(b.getId());
      }
    }
    return blocks.isEmpty() ? Plan.NONE : new Plan(blocks, sources);
  }

  /**
   * Asks the ingesters (leaving out the planned blocks) and, when the plan has blocks, the
   * store-gateways (reading exactly those), in parallel. With replicated ingesters the read runs
   * in two phases so each profile counts once ({@link ReplicatedRead}); {@code keysStart} is where
   * its first phase starts (earlier than the selection when steps reach back).
   */
  private <T> List<T> profiles(SelectProfilesRequest select, long keysStart,
      Function<SelectProfilesRequest, Function<IngesterServiceBlockingStub, T>> ingester,
      Function<SelectProfilesRequest, Function<StoreGatewayServiceBlockingStub, T>> storeGateway) {
    IngesterQueryClients.ReadSet replicas = ingesters.forRead();
    List<StoreGatewayServiceBlockingStub> gateways = storeGateways.forRead();
    Plan plan = plan(select, gateways);
    if (replicas.replicated()) {
      return replicated(select, keysStart, replicas, plan.blocks().isEmpty() ? List.of() : gateways, plan, ingester,
          storeGateway);
    }
    if (plan.blocks().isEmpty()) {
      return fanout.call(replicas.clients(), ingester.apply(select), 0);
    }
    CompletableFuture<List<T>> fromBlocks = fanout.callAsync(gateways, storeGateway.apply(plan.forStoreGateways(select)), 0);
    List<T> out = new ArrayList<>(fanout.call(replicas.clients(), ingester.apply(plan.forIngesters(select)), 0));
    out.addAll(Fanout.join(fromBlocks));
    return out;
  }

  private <T> List<T> replicated(SelectProfilesRequest select, long keysStart, IngesterQueryClients.ReadSet replicas,
      List<StoreGatewayServiceBlockingStub> gateways, Plan plan,
      Function<SelectProfilesRequest, Function<IngesterServiceBlockingStub, T>> ingester,
      Function<SelectProfilesRequest, Function<StoreGatewayServiceBlockingStub, T>> storeGateway) {
    List<ReplicatedRead.Target<T>> targets = new ArrayList<>();
    SelectProfilesRequest forIngesters = plan.forIngesters(select);
    SelectProfilesRequest ingesterKeys = forIngesters.toBuilder().setStart(keysStart).build();
    for (IngesterServiceBlockingStub stub : replicas.clients()) {
      targets.add(new ReplicatedRead.Target<>("ingester", stub::selectProfileKeys,
          sel -> ingester.apply(sel).apply(stub), ingesterKeys, forIngesters, true));
    }
    // The planned blocks hold the copies several ingesters uploaded: each store-gateway counts one.
    SelectProfilesRequest forGateways = plan.forStoreGateways(select).toBuilder().setDeduplicate(true).build();
    SelectProfilesRequest gatewayKeys = forGateways.toBuilder().setStart(keysStart).build();
    for (StoreGatewayServiceBlockingStub stub : gateways) {
      targets.add(new ReplicatedRead.Target<>("store-gateway", stub::selectProfileKeys,
          sel -> storeGateway.apply(sel).apply(stub), gatewayKeys, forGateways, false));
    }
    return ReplicatedRead.run(fanout, targets, replicas.maxErrors());
  }

  /** Asks ingesters and store-gateways the same metadata question, in parallel. */
  private <T> List<T> everywhere(Function<IngesterServiceBlockingStub, T> ingester,
      Function<StoreGatewayServiceBlockingStub, T> storeGateway) {
    IngesterQueryClients.ReadSet replicas = ingesters.forRead();
    List<StoreGatewayServiceBlockingStub> gateways = storeGateways.forRead();
    if (gateways.isEmpty()) {
      return fanout.call(replicas.clients(), ingester, replicas.maxErrors());
    }
    CompletableFuture<List<T>> fromBlocks = fanout.callAsync(gateways, storeGateway, 0);
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
    for (ProfileTypesResponse r : everywhere(s -> s.profileTypes(req), s -> s.profileTypes(req))) {
      for (ProfileType t : r.getProfileTypesList()) {
        byId.putIfAbsent(t.getID(), t);
      }
    }
    return new ArrayList<>(byId.values());
  }

  public List<String> labelNames(List<String> matchers, long start, long end) {
    LabelNamesRequest req = LabelNamesRequest.newBuilder().addAllMatchers(matchers).setStart(start).setEnd(end).build();
    Set<String> names = new TreeSet<>();
    for (LabelNamesResponse r : everywhere(s -> s.labelNames(req), s -> s.labelNames(req))) {
      names.addAll(r.getNamesList());
    }
    return new ArrayList<>(names);
  }

  public List<String> labelValues(String name, List<String> matchers, long start, long end) {
    LabelValuesRequest req = LabelValuesRequest.newBuilder()
        .setName(name).addAllMatchers(matchers).setStart(start).setEnd(end).build();
    Set<String> values = new TreeSet<>();
    for (LabelValuesResponse r : everywhere(s -> s.labelValues(req), s -> s.labelValues(req))) {
      values.addAll(r.getNamesList());
    }
    return new ArrayList<>(values);
  }

  /** Unique label sets, in the order first seen. */
  public List<Labels> series(SeriesRequest req) {
    Set<Labels> out = new LinkedHashSet<>();
    for (SeriesResponse r : everywhere(s -> s.series(req), s -> s.series(req))) {
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
    for (GetProfileStatsResponse r : everywhere(s -> s.getProfileStats(req), s -> s.getProfileStats(req))) {
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
