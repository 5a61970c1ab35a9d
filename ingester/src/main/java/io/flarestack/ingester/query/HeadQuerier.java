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
import io.flarestack.api.types.v1.LabelValuesRequest;
import io.flarestack.api.types.v1.LabelValuesResponse;
import io.flarestack.ingester.head.TenantHead;
import io.flarestack.storage.query.ProfileSource;
import io.flarestack.storage.query.QueryEngine;
import java.util.List;

/**
 * Answers the ingester's read RPCs from a tenant head (null = no data: empty answers) through
 * the shared {@link QueryEngine}. Queries work on lock-free snapshots and never delay pushes.
 * Stateless and thread-safe.
 */
public final class HeadQuerier {
  private final QueryEngine engine = new QueryEngine();

  private static List<ProfileSource> sources(TenantHead head) {
    return head == null ? List.of() : List.of(new HeadSource(head));
  }

  public MergeTreeResponse mergeTree(TenantHead head, MergeTreeRequest req) {
    return engine.mergeTree(sources(head), req);
  }

  public Profile mergePprof(TenantHead head, MergePprofRequest req) {
    return engine.mergePprof(sources(head), req);
  }

  public SelectSeriesResponse selectSeries(TenantHead head, SelectSeriesRequest req) {
    return engine.selectSeries(sources(head), req);
  }

  public ProfileTypesResponse profileTypes(TenantHead head, ProfileTypesRequest req) {
    return engine.profileTypes(sources(head), req);
  }

  public LabelNamesResponse labelNames(TenantHead head, LabelNamesRequest req) {
    return engine.labelNames(sources(head), req);
  }

  public LabelValuesResponse labelValues(TenantHead head, LabelValuesRequest req) {
    return engine.labelValues(sources(head), req);
  }

  public SeriesResponse series(TenantHead head, SeriesRequest req) {
    return engine.series(sources(head), req);
  }

  public GetProfileStatsResponse profileStats(TenantHead head) {
    return engine.profileStats(sources(head));
  }
}
