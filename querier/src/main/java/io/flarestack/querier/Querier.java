package io.flarestack.querier;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.google.v1.Profile;
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
import io.flarestack.api.types.v1.GetProfileStatsRequest;
import io.flarestack.api.types.v1.GetProfileStatsResponse;
import io.flarestack.api.types.v1.LabelNamesRequest;
import io.flarestack.api.types.v1.LabelNamesResponse;
import io.flarestack.api.types.v1.LabelValuesRequest;
import io.flarestack.api.types.v1.LabelValuesResponse;
import io.flarestack.api.types.v1.Labels;
import io.flarestack.api.types.v1.ProfileType;
import io.flarestack.common.lifecycle.AbstractService;
import io.flarestack.common.model.pprof.PprofMerger;
import io.flarestack.common.model.tree.CallTree;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Answers reads by asking every ingester and merging: union of metadata, merged call trees,
 * merged pprof, merged partial series. Request validation and response shaping live in
 * {@link io.flarestack.querier.api.QuerierServiceImpl}. Thread-safe.
 */
public final class Querier extends AbstractService {
  private final IngesterFanout ingesters;

  public Querier(IngesterQueryClients ingesters, java.util.concurrent.Executor executor) {
    super("querier");
    this.ingesters = new IngesterFanout(requireNonNull(ingesters, "ingesters is null"), executor);
  }

  @Override
  protected void doStart() {}

  @Override
  protected void doStop() {}

  /** Distinct profile types, sorted by id. */
  public List<ProfileType> profileTypes(long start, long end) {
    ProfileTypesRequest req = ProfileTypesRequest.newBuilder().setStart(start).setEnd(end).build();
    TreeMap<String, ProfileType> byId = new TreeMap<>();
    for (ProfileTypesResponse r : ingesters.call(s -> s.profileTypes(req))) {
      for (ProfileType t : r.getProfileTypesList()) {
        byId.putIfAbsent(t.getID(), t);
      }
    }
    return new ArrayList<>(byId.values());
  }

  public List<String> labelNames(List<String> matchers, long start, long end) {
    LabelNamesRequest req = LabelNamesRequest.newBuilder().addAllMatchers(matchers).setStart(start).setEnd(end).build();
    Set<String> names = new TreeSet<>();
    for (LabelNamesResponse r : ingesters.call(s -> s.labelNames(req))) {
      names.addAll(r.getNamesList());
    }
    return new ArrayList<>(names);
  }

  public List<String> labelValues(String name, List<String> matchers, long start, long end) {
    LabelValuesRequest req = LabelValuesRequest.newBuilder()
        .setName(name).addAllMatchers(matchers).setStart(start).setEnd(end).build();
    Set<String> values = new TreeSet<>();
    for (LabelValuesResponse r : ingesters.call(s -> s.labelValues(req))) {
      values.addAll(r.getNamesList());
    }
    return new ArrayList<>(values);
  }

  /** Unique label sets, in the order first seen. */
  public List<Labels> series(SeriesRequest req) {
    Set<Labels> out = new LinkedHashSet<>();
    for (SeriesResponse r : ingesters.call(s -> s.series(req))) {
      out.addAll(r.getLabelsSetList());
    }
    return new ArrayList<>(out);
  }

  /** The merged call tree of the selection, truncated to {@code maxNodes} (0 = not truncated). */
  public CallTree mergeTree(SelectProfilesRequest select, long maxNodes) {
    MergeTreeRequest req = MergeTreeRequest.newBuilder().setSelect(select).setMaxNodes(maxNodes).build();
    CallTree merged = null;
    for (var r : ingesters.call(s -> s.mergeTree(req))) {
      CallTree t = CallTree.fromProto(r.getTree());
      if (merged == null) {
        merged = t;
      } else {
        merged.merge(t);
      }
    }
    if (merged == null) {
      merged = new CallTree();
    }
    return merged.truncate(maxNodes);
  }

  /** The merged pprof of the selection (one sample type). */
  public Profile mergePprof(SelectProfilesRequest select, long maxNodes) {
    MergePprofRequest req = MergePprofRequest.newBuilder().setSelect(select).setMaxNodes(maxNodes).build();
    List<Profile> parts = ingesters.call(s -> s.mergePprof(req));
    return PprofMerger.merge(parts);
  }

  /** Partial series from every ingester, for the caller to merge and aggregate. */
  public List<List<PartialSeries>> selectSeries(SelectProfilesRequest select, List<String> groupBy, long stepMillis) {
    SelectSeriesRequest req = SelectSeriesRequest.newBuilder()
        .setSelect(select).addAllGroupBy(groupBy).setStepMillis(stepMillis).build();
    List<List<PartialSeries>> out = new ArrayList<>();
    for (SelectSeriesResponse r : ingesters.call(s -> s.selectSeries(req))) {
      out.add(r.getSeriesList());
    }
    return out;
  }

  public GetProfileStatsResponse profileStats() {
    boolean ingested = false;
    long oldest = Long.MAX_VALUE;
    long newest = Long.MIN_VALUE;
    for (GetProfileStatsResponse r : ingesters.call(s -> s.getProfileStats(GetProfileStatsRequest.getDefaultInstance()))) {
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
