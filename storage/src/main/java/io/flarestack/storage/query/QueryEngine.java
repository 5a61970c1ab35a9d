package io.flarestack.storage.query;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.ingester.v1.MergePprofRequest;
import io.flarestack.api.ingester.v1.MergeTreeRequest;
import io.flarestack.api.ingester.v1.MergeTreeResponse;
import io.flarestack.api.ingester.v1.ProfileKeys;
import io.flarestack.api.ingester.v1.SelectProfilesRequest;
import io.flarestack.api.ingester.v1.SelectSeriesRequest;
import io.flarestack.api.ingester.v1.SelectSeriesResponse;
import io.flarestack.api.querier.v1.ProfileTypesRequest;
import io.flarestack.api.querier.v1.ProfileTypesResponse;
import io.flarestack.api.querier.v1.SeriesRequest;
import io.flarestack.api.querier.v1.SeriesResponse;
import io.flarestack.api.types.v1.GetProfileStatsResponse;
import io.flarestack.api.types.v1.LabelNamesRequest;
import io.flarestack.api.types.v1.LabelNamesResponse;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.api.types.v1.LabelValuesRequest;
import io.flarestack.api.types.v1.LabelValuesResponse;
import io.flarestack.api.types.v1.Labels;
import io.flarestack.common.cancel.Cancellation;
import io.flarestack.common.model.tree.CallTree;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers the internal read RPCs (the ingester's, which the store-gateway serves too) over a
 * list of {@link ProfileSource}s: head windows, local blocks, blocks in object storage. Each
 * profile must be in exactly one source. Merges sum values per stack node of each symbol
 * partition into a dense array (no hashing per sample) and symbolize only the nodes that carry
 * a value. Stateless and thread-safe.
 *
 * <p>Profile selection: {@code label_selector} (Prometheus syntax) AND
 * {@code __profile_type__ = profile_type_id}, profiles with a time in {@code [start, end]}
 * milliseconds, both inclusive.
 *
 * @throws io.flarestack.common.errors.FlarestackException invalid_argument (from every method)
 *     for a bad selector, profile type, span id or step; whatever a source throws when it cannot
 *     be read
 */
public final class QueryEngine {
  /** Merges the selected samples into a function-name tree, truncated to {@code max_nodes} when > 0. */
  public MergeTreeResponse mergeTree(List<? extends ProfileSource> sources, MergeTreeRequest req) {
    ProfileSelection sel = ProfileSelection.parse(req.getSelect());
    Cancellation cancel = Cancellation.current();
    CallTree tree = new CallTree(1024);
    for (Merged m : merge(sources, sel, cancel).parts) {
      TreeBuilder.add(tree, m.symbols, m.values, cancel);
    }
    return MergeTreeResponse.newBuilder().setTree(tree.truncate(req.getMaxNodes(), cancel).toProto()).build();
  }

  /**
   * Merges the selected samples into a pprof with the single requested sample type; one sample
   * per distinct stack; {@code max_nodes} 0 = no truncation.
   */
  public Profile mergePprof(List<? extends ProfileSource> sources, MergePprofRequest req) {
    ProfileSelection sel = ProfileSelection.parse(req.getSelect());
    Cancellation cancel = Cancellation.current();
    Merge merge = merge(sources, sel, cancel);
    List<Merged> parts = merge.parts;
    long[][] totals = new long[parts.size()][];
    for (int i = 0; i < parts.size(); i++) {
      cancel.checkNow();
      totals[i] = PprofBuilder.totals(parts.get(i).symbols, parts.get(i).values);
    }
    boolean any = merge.oldest != Long.MAX_VALUE;
    PprofBuilder b = new PprofBuilder(sel.profileType(), merge.period, any ? merge.oldest : 0,
        any ? merge.newest - merge.oldest : 0);
    long threshold = PprofBuilder.threshold(req.getMaxNodes(), totals);
    for (int i = 0; i < parts.size(); i++) {
      b.add(parts.get(i).symbols, parts.get(i).values, totals[i], threshold, cancel);
    }
    return b.build();
  }

  /** Per group and step, the sum of profile totals and the profile count. */
  public SelectSeriesResponse selectSeries(List<? extends ProfileSource> sources, SelectSeriesRequest req) {
    ProfileSelection sel = ProfileSelection.parse(req.getSelect());
    return SelectSeriesResponse.newBuilder()
        .addAllSeries(SeriesAggregator.aggregate(sources, sel, req.getGroupByList(), req.getStepMillis()))
        .build();
  }

  /**
   * The first phase of a replica-de-duplicated read: the keys of the selected profiles (see
   * {@link io.flarestack.common.model.replica.ProfileKeySet}).
   */
  public ProfileKeys profileKeys(List<? extends ProfileSource> sources, SelectProfilesRequest req) {
    ProfileSelection sel = ProfileSelection.parse(req);
    long from = ProfileSelection.fromMillis(sel.startMillis());
    long to = ProfileSelection.toMillisEnd(sel.endMillis());
    if (from > to) {
      return ProfileKeys.getDefaultInstance();
    }
    return ReplicaFilter.keys(sources, sel, from, to, Cancellation.current()).toProto();
  }

  /** Distinct profile types of series with profiles in range (start = end = 0: any time), by id. */
  public ProfileTypesResponse profileTypes(List<? extends ProfileSource> sources, ProfileTypesRequest req) {
    return ProfileTypesResponse.newBuilder()
        .addAllProfileTypes(LabelQueries.profileTypes(sources, req.getStart(), req.getEnd()))
        .build();
  }

  public LabelNamesResponse labelNames(List<? extends ProfileSource> sources, LabelNamesRequest req) {
    return LabelNamesResponse.newBuilder()
        .addAllNames(LabelQueries.labelNames(sources, req.getMatchersList(), req.getStart(), req.getEnd()))
        .build();
  }

  public LabelValuesResponse labelValues(List<? extends ProfileSource> sources, LabelValuesRequest req) {
    return LabelValuesResponse.newBuilder()
        .addAllNames(LabelQueries.labelValues(sources, req.getName(), req.getMatchersList(), req.getStart(),
            req.getEnd()))
        .build();
  }

  public SeriesResponse series(List<? extends ProfileSource> sources, SeriesRequest req) {
    SeriesResponse.Builder b = SeriesResponse.newBuilder();
    for (List<LabelPair> set : LabelQueries.series(sources, req.getMatchersList(), req.getLabelNamesList(),
        req.getStart(), req.getEnd())) {
      b.addLabelsSet(Labels.newBuilder().addAllLabels(set));
    }
    return b.build();
  }

  /** With no data: false, {@link Long#MAX_VALUE}, {@link Long#MIN_VALUE}. */
  public GetProfileStatsResponse profileStats(List<? extends ProfileSource> sources) {
    LabelQueries.Stats s = LabelQueries.stats(sources);
    return GetProfileStatsResponse.newBuilder()
        .setDataIngested(s.dataIngested())
        .setOldestProfileTime(s.oldestMillis())
        .setNewestProfileTime(s.newestMillis())
        .build();
  }

  /** One partition's summed values, with the call-site filter applied, and its symbols. */
  private record Merged(Symbols symbols, long[] values) {}

  private static final class Merge {
    final List<Merged> parts = new ArrayList<>();
    long period;
    long oldest = Long.MAX_VALUE;
    long newest = Long.MIN_VALUE;
  }

  /**
   * Sums the selected samples per stack node of each partition of each source. Symbols are
   * read after the rows, and only for partitions that received a value.
   */
  private static Merge merge(List<? extends ProfileSource> sources, ProfileSelection sel, Cancellation cancel) {
    long from = ProfileSelection.fromMillis(sel.startMillis());
    long to = ProfileSelection.toMillisEnd(sel.endMillis());
    Merge out = new Merge();
    if (from > to) {
      return out;
    }
    for (ProfileSource source : ReplicaFilter.apply(sources, sel, from, to, cancel)) {
      cancel.checkNow();
      Merge local = new Merge();
      try {
        mergeSource(source, sel, from, to, local, cancel);
      } catch (SourceUnavailableException e) {
        continue; // the source logged and counted it; what it contributed so far is dropped
      }
      out.parts.addAll(local.parts);
      out.period = Math.max(out.period, local.period);
      out.oldest = Math.min(out.oldest, local.oldest);
      out.newest = Math.max(out.newest, local.newest);
    }
    return out;
  }

  private static void mergeSource(ProfileSource source, ProfileSelection sel, long from, long to, Merge out,
      Cancellation cancel) {
    Selection s = source.select(sel.matchers(), from, to, false);
    List<SelectedSeries> series = s.series();
    if (series.isEmpty()) {
      return;
    }
    NodeValues[] acc = new NodeValues[s.partitionCount()];
    s.scan(true, sel.filtersSpans(), (i, row) -> {
      cancel.check();
      long t = row.timeNanos();
      if (t < from || t > to) {
        return;
      }
      SelectedSeries ss = series.get(i);
      out.oldest = Math.min(out.oldest, t);
      out.newest = Math.max(out.newest, t);
      out.period = Math.max(out.period, ss.period());
      NodeValues v = acc[ss.partition()];
      if (v == null) {
        v = new NodeValues();
        acc[ss.partition()] = v;
      }
      int n = row.sampleCount();
      if (!sel.filtersSpans()) {
        for (int k = 0; k < n; k++) {
          v.add(row.stackId(k), row.value(k));
        }
      } else {
        for (int k = 0; k < n; k++) {
          if (sel.spanAccepts(row, k)) {
            v.add(row.stackId(k), row.value(k));
          }
        }
      }
    });
    for (int p = 0; p < acc.length; p++) {
      if (acc[p] == null || !acc[p].any()) {
        continue;
      }
      cancel.checkNow();
      Symbols sym = s.symbols(p);
      long[] values = acc[p].sized(sym.stackNodeCount());
      boolean[] match = CallSiteMatcher.match(sym, sel.callSite(), cancel);
      if (match != null) {
        for (int i = 0; i < values.length; i++) {
          if (!match[i]) {
            values[i] = 0;
          }
        }
      }
      out.parts.add(new Merged(sym, values));
    }
  }
}
