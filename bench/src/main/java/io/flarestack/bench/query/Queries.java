package io.flarestack.bench.query;

import io.flarestack.api.querier.v1.DiffRequest;
import io.flarestack.api.querier.v1.DiffResponse;
import io.flarestack.api.querier.v1.ProfileTypesRequest;
import io.flarestack.api.querier.v1.ProfileTypesResponse;
import io.flarestack.api.querier.v1.SelectMergeProfileRequest;
import io.flarestack.api.querier.v1.SelectMergeStacktracesRequest;
import io.flarestack.api.querier.v1.SelectMergeStacktracesResponse;
import io.flarestack.api.querier.v1.SelectSeriesRequest;
import io.flarestack.api.querier.v1.SelectSeriesResponse;
import io.flarestack.api.querier.v1.SeriesRequest;
import io.flarestack.api.querier.v1.SeriesResponse;
import io.flarestack.api.types.v1.LabelNamesRequest;
import io.flarestack.api.types.v1.LabelNamesResponse;
import io.flarestack.api.types.v1.LabelValuesRequest;
import io.flarestack.api.types.v1.LabelValuesResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The query suite Q1-Q9 of storage-and-performance.md §6.3 (Q10, time to queryable, pushes and
 * polls, see {@link QueryRun}), for one service and an end time. Ranges are in milliseconds.
 * Stateless.
 */
public final class Queries {
  /** The CPU profile type every fleet pod uploads. */
  public static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
  /** Pyroscope's default flame graph node budget. */
  public static final long MAX_NODES = 8192;
  static final long HOUR = 3_600_000L;
  static final long DAY = 24 * HOUR;

  private Queries() {}

  /**
   * @param service the service of Q1/Q2/Q4/Q5/Q7/Q8 (the reference uses {@code svc-7})
   * @param pod a pod of that service for Q7 (null: Q7 selects the service; the report says so)
   * @param endMillis the end of every range
   */
  public static List<Query> suite(String service, String pod, long endMillis) {
    String svc = "{service_name=\"" + service + "\"}";
    long h1 = endMillis - HOUR;
    long d1 = endMillis - DAY;
    List<Query> q = new ArrayList<>();
    q.add(flame("Q1", "flame graph " + svc + " 1 h, 8192 nodes", svc, h1, endMillis));
    q.add(flame("Q2", "flame graph " + svc + " 24 h, 8192 nodes", svc, d1, endMillis));
    q.add(flame("Q3", "flame graph, whole tenant {} 1 h", "{}", h1, endMillis));
    q.add(series("Q4", "SelectSeries " + svc + " by pod, step 15 s, 1 h", svc, h1, endMillis, 15));
    q.add(series("Q5", "SelectSeries " + svc + " by pod, step 5 min, 24 h", svc, d1, endMillis, 300));
    q.add(labelNames("Q6.1", "LabelNames, no matcher, 1 h", List.of(), h1, endMillis));
    q.add(labelValues("Q6.2", "LabelValues(pod) " + svc + ", 1 h", List.of(svc), h1, endMillis));
    q.add(labelNames("Q6.3", "LabelNames " + svc + ", 24 h", List.of(svc), d1, endMillis));
    q.add(labelValues("Q6.4", "LabelValues(pod), no matcher, 24 h", List.of(), d1, endMillis));
    String podSel = pod == null ? svc : "{service_name=\"" + service + "\",pod=\"" + pod + "\"}";
    q.add(new Query("Q7", "SelectMergeProfile (pprof) " + podSel + " 1 h", "SelectMergeProfile",
        SelectMergeProfileRequest.newBuilder().setProfileTypeID(CPU).setLabelSelector(podSel).setStart(h1)
            .setEnd(endMillis).build(),
        body -> io.flarestack.api.google.v1.Profile.parseFrom(body).getSampleCount()));
    q.add(new Query("Q8", "Diff " + svc + ", two 1 h windows a day apart", "Diff",
        DiffRequest.newBuilder()
            .setLeft(flameRequest(svc, d1 - HOUR, d1))
            .setRight(flameRequest(svc, h1, endMillis)).build(),
        body -> DiffResponse.parseFrom(body).getFlamegraph().getTotal()));
    q.add(new Query("Q9.1", "ProfileTypes, 24 h", "ProfileTypes",
        ProfileTypesRequest.newBuilder().setStart(d1).setEnd(endMillis).build(),
        body -> ProfileTypesResponse.parseFrom(body).getProfileTypesCount()));
    q.add(new Query("Q9.2", "Series (service_name, __profile_type__), whole tenant, 24 h", "Series",
        SeriesRequest.newBuilder().addLabelNames("service_name").addLabelNames("__profile_type__").setStart(d1)
            .setEnd(endMillis).build(),
        body -> SeriesResponse.parseFrom(body).getLabelsSetCount()));
    return q;
  }

  static SelectMergeStacktracesRequest flameRequest(String selector, long start, long end) {
    return SelectMergeStacktracesRequest.newBuilder().setProfileTypeID(CPU).setLabelSelector(selector)
        .setStart(start).setEnd(end).setMaxNodes(MAX_NODES).build();
  }

  /** The flame graph query of Q1-Q3 and Q10. */
  public static Query flame(String id, String description, String selector, long start, long end) {
    return new Query(id, description, "SelectMergeStacktraces", flameRequest(selector, start, end),
        body -> SelectMergeStacktracesResponse.parseFrom(body).getFlamegraph().getTotal());
  }

  static Query series(String id, String description, String selector, long start, long end, double stepSeconds) {
    return new Query(id, description, "SelectSeries",
        SelectSeriesRequest.newBuilder().setProfileTypeID(CPU).setLabelSelector(selector).setStart(start).setEnd(end)
            .addGroupBy("pod").setStep(stepSeconds).build(),
        body -> SelectSeriesResponse.parseFrom(body).getSeriesCount());
  }

  static Query labelNames(String id, String description, List<String> matchers, long start, long end) {
    return new Query(id, description, "LabelNames",
        LabelNamesRequest.newBuilder().addAllMatchers(matchers).setStart(start).setEnd(end).build(),
        body -> LabelNamesResponse.parseFrom(body).getNamesCount());
  }

  static Query labelValues(String id, String description, List<String> matchers, long start, long end) {
    return new Query(id, description, "LabelValues",
        LabelValuesRequest.newBuilder().setName("pod").addAllMatchers(matchers).setStart(start).setEnd(end).build(),
        body -> LabelValuesResponse.parseFrom(body).getNamesCount());
  }
}
