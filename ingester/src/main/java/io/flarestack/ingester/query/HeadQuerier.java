package io.flarestack.ingester.query;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.ingester.v1.MergePprofRequest;
import io.flarestack.api.ingester.v1.MergeTreeRequest;
import io.flarestack.api.ingester.v1.MergeTreeResponse;
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
import io.flarestack.common.model.tree.CallTree;
import io.flarestack.ingester.head.ProfileRow;
import io.flarestack.ingester.head.SeriesRows;
import io.flarestack.ingester.head.TenantHead;
import java.util.List;

/**
 * Answers the ingester's read RPCs from a tenant's head. Every method takes the tenant's
 * {@link TenantHead}, or null when the tenant has no data (the answer is then empty). Queries
 * work on lock-free snapshots and never delay pushes. Stateless and thread-safe.
 *
 * <p>Profile selection: {@code label_selector} (Prometheus syntax) AND
 * {@code __profile_type__ = profile_type_id}, profiles with a time in {@code [start, end]}
 * milliseconds, both inclusive.
 *
 * @throws io.flarestack.common.errors.FlarestackException invalid_argument (from every method)
 *     for a bad selector, profile type, span id or step
 */
public final class HeadQuerier {
  /** Merges the selected samples into a function-name tree, truncated to {@code max_nodes} when > 0. */
  public MergeTreeResponse mergeTree(TenantHead head, MergeTreeRequest req) {
    ProfileSelection sel = ProfileSelection.parse(req.getSelect());
    long from = ProfileSelection.fromMillis(sel.startMillis());
    long to = ProfileSelection.toMillisEnd(sel.endMillis());
    CallTree tree = new CallTree(1024);
    for (ProfileSelection.Part part : sel.select(head, from, to)) {
      TreeBuilder.add(tree, part.view(), sel.nodeValues(part, from, to));
    }
    return MergeTreeResponse.newBuilder().setTree(tree.truncate(req.getMaxNodes()).toProto()).build();
  }

  /**
   * Merges the selected samples into a pprof with the single requested sample type; one sample
   * per distinct stack; {@code max_nodes} 0 = no truncation.
   */
  public Profile mergePprof(TenantHead head, MergePprofRequest req) {
    ProfileSelection sel = ProfileSelection.parse(req.getSelect());
    long from = ProfileSelection.fromMillis(sel.startMillis());
    long to = ProfileSelection.toMillisEnd(sel.endMillis());
    List<ProfileSelection.Part> parts = sel.select(head, from, to);
    long[][] values = new long[parts.size()][];
    long[][] totals = new long[parts.size()][];
    long period = 0;
    long oldest = Long.MAX_VALUE;
    long newest = Long.MIN_VALUE;
    for (int i = 0; i < parts.size(); i++) {
      ProfileSelection.Part part = parts.get(i);
      values[i] = sel.nodeValues(part, from, to);
      totals[i] = PprofBuilder.totals(part.view(), values[i]);
      for (ProfileSelection.Selected s : part.series()) {
        period = Math.max(period, s.series().period());
        SeriesRows rows = s.rows();
        for (int r = 0; r < rows.count(); r++) {
          ProfileRow row = rows.row(r);
          if (row.timeNanos() >= from && row.timeNanos() <= to) {
            oldest = Math.min(oldest, row.timeNanos());
            newest = Math.max(newest, row.timeNanos());
          }
        }
      }
    }
    long time = oldest == Long.MAX_VALUE ? 0 : oldest;
    long duration = oldest == Long.MAX_VALUE ? 0 : newest - oldest;
    PprofBuilder b = new PprofBuilder(sel.profileType(), period, time, duration);
    long threshold = PprofBuilder.threshold(req.getMaxNodes(), totals);
    for (int i = 0; i < parts.size(); i++) {
      b.add(parts.get(i).view(), values[i], totals[i], threshold);
    }
    return b.build();
  }

  /** Per group and step, the sum of profile totals and the profile count. */
  public SelectSeriesResponse selectSeries(TenantHead head, SelectSeriesRequest req) {
    ProfileSelection sel = ProfileSelection.parse(req.getSelect());
    return SelectSeriesResponse.newBuilder()
        .addAllSeries(SeriesAggregator.aggregate(head, sel, req.getGroupByList(), req.getStepMillis()))
        .build();
  }

  /** Distinct profile types of series with profiles in range (start = end = 0: any time), by id. */
  public ProfileTypesResponse profileTypes(TenantHead head, ProfileTypesRequest req) {
    return ProfileTypesResponse.newBuilder()
        .addAllProfileTypes(LabelQueries.profileTypes(head, req.getStart(), req.getEnd()))
        .build();
  }

  public LabelNamesResponse labelNames(TenantHead head, LabelNamesRequest req) {
    return LabelNamesResponse.newBuilder()
        .addAllNames(LabelQueries.labelNames(head, req.getMatchersList(), req.getStart(), req.getEnd()))
        .build();
  }

  public LabelValuesResponse labelValues(TenantHead head, LabelValuesRequest req) {
    return LabelValuesResponse.newBuilder()
        .addAllNames(LabelQueries.labelValues(head, req.getName(), req.getMatchersList(), req.getStart(), req.getEnd()))
        .build();
  }

  public SeriesResponse series(TenantHead head, SeriesRequest req) {
    SeriesResponse.Builder b = SeriesResponse.newBuilder();
    for (List<LabelPair> set : LabelQueries.series(head, req.getMatchersList(), req.getLabelNamesList(),
        req.getStart(), req.getEnd())) {
      b.addLabelsSet(Labels.newBuilder().addAllLabels(set));
    }
    return b.build();
  }

  /** With no data: false, {@link Long#MAX_VALUE}, {@link Long#MIN_VALUE}. */
  public GetProfileStatsResponse profileStats(TenantHead head) {
    LabelQueries.Stats s = LabelQueries.stats(head);
    return GetProfileStatsResponse.newBuilder()
        .setDataIngested(s.dataIngested())
        .setOldestProfileTime(s.oldestMillis())
        .setNewestProfileTime(s.newestMillis())
        .build();
  }
}
