package io.flarestack.querier.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flarestack.api.querier.v1.QuerierServiceGrpc.QuerierServiceBlockingStub;
import io.flarestack.api.querier.v1.SelectMergeStacktracesRequest;
import io.flarestack.api.querier.v1.SelectMergeStacktracesResponse;
import io.flarestack.api.querier.v1.SelectSeriesRequest;
import io.flarestack.api.types.v1.Series;
import io.flarestack.api.types.v1.TimeSeriesAggregationType;
import io.flarestack.common.edge.http.HttpHandler;
import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.flamegraph.Flamebearer;
import io.flarestack.common.model.flamegraph.Timeline;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /pyroscope/render}: the flame graph and timeline of a legacy query as flamebearer
 * JSON. {@code from}/{@code until} use the attime syntax ({@code now-1h}, unix s/ms/µs/ns);
 * {@code from} defaults to an hour before {@code until}, which defaults to now.
 */
public final class RenderHandler implements HttpHandler {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LegacyQueries queries;

  public RenderHandler(QuerierServiceBlockingStub querier, boolean multitenancyEnabled, Clock clock) {
    this.queries = new LegacyQueries(requireNonNull(querier, "querier is null"), multitenancyEnabled, clock);
  }

  @Override
  public HttpResponse handle(HttpRequest request) throws Exception {
    String format = request.param("format");
    if (format != null && !format.isEmpty() && !format.equals("json")) {
      if (format.equals("dot")) {
        throw FlarestackException.unimplemented("format dot is not implemented in Flarestack; use json");
      }
      throw FlarestackException.invalidArgument("unknown format %s; use json", format);
    }
    LegacyQueries.Query query = LegacyQueries.Query.parse("query", request.param("query"));
    long now = queries.now();
    long until = LegacyQueries.time(request, "until", "now", now);
    long from = LegacyQueries.time(request, "from", Long.toString(until - 3_600_000L), now);
    if (from > until) {
      throw FlarestackException.invalidArgument("from (%d) must not be after until (%d)", from, until);
    }
    Long maxNodes = LegacyQueries.maxNodes(request);
    List<String> groupBy = request.params("groupBy");
    TimeSeriesAggregationType aggregation = switch (request.param("aggregation") == null ? "sum" : request.param("aggregation")) {
      case "", "sum" -> TimeSeriesAggregationType.TIME_SERIES_AGGREGATION_TYPE_SUM;
      case "avg", "average" -> TimeSeriesAggregationType.TIME_SERIES_AGGREGATION_TYPE_AVERAGE;
      default -> throw FlarestackException.invalidArgument("unknown aggregation %s; use sum or avg", request.param("aggregation"));
    };
    double step = Timeline.pointInterval(from, until);

    return queries.asTenant(request, () -> {
      SelectMergeStacktracesRequest.Builder flame = SelectMergeStacktracesRequest.newBuilder()
          .setProfileTypeID(query.type().id()).setLabelSelector(query.labelSelector()).setStart(from).setEnd(until);
      if (maxNodes != null) {
        flame.setMaxNodes(maxNodes);
      }
      SelectMergeStacktracesResponse tree = queries.querier().selectMergeStacktraces(flame.build());
      List<Series> series = queries.querier().selectSeries(SelectSeriesRequest.newBuilder()
          .setProfileTypeID(query.type().id()).setLabelSelector(query.labelSelector()).setStart(from).setEnd(until)
          .setStep(step).addAllGroupBy(groupBy).setAggregation(aggregation).build()).getSeriesList();
      long delta = (long) step;
      // Pyroscope's timeline is the single series when exactly one came back, else zeros.
      Timeline timeline = Timeline.ofSelectSeries(series, from, until, delta);
      Map<String, Timeline> groups = groupBy.isEmpty() ? null : Timeline.groups(series, groupBy.get(0), from, until, delta);
      return HttpResponse.ok("application/json", JSON.writeValueAsBytes(
          Flamebearer.render(tree.getFlamegraph(), query.type(), timeline, groups)));
    });
  }
}
