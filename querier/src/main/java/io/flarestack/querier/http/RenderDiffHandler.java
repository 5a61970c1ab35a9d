package io.flarestack.querier.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flarestack.api.querier.v1.DiffRequest;
import io.flarestack.api.querier.v1.DiffResponse;
import io.flarestack.api.querier.v1.QuerierServiceGrpc.QuerierServiceBlockingStub;
import io.flarestack.api.querier.v1.SelectMergeStacktracesRequest;
import io.flarestack.common.edge.http.HttpHandler;
import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.flamegraph.Flamebearer;
import java.time.Clock;

/**
 * {@code GET /pyroscope/render-diff}: a diff flame graph of two legacy queries
 * ({@code leftQuery/leftFrom/leftUntil}, {@code rightQuery/rightFrom/rightUntil}) as flamebearer
 * JSON of format "double". Both sides must have the same profile type.
 */
public final class RenderDiffHandler implements HttpHandler {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LegacyQueries queries;

  public RenderDiffHandler(QuerierServiceBlockingStub querier, boolean multitenancyEnabled, Clock clock) {
    this.queries = new LegacyQueries(requireNonNull(querier, "querier is null"), multitenancyEnabled, clock);
  }

  @Override
  public HttpResponse handle(HttpRequest request) throws Exception {
    LegacyQueries.Query left = LegacyQueries.Query.parse("leftQuery", request.param("leftQuery"));
    LegacyQueries.Query right = LegacyQueries.Query.parse("rightQuery", request.param("rightQuery"));
    if (!left.type().equals(right.type())) {
      throw FlarestackException.invalidArgument("leftQuery and rightQuery must have the same profile type, got %s and %s",
          left.type().id(), right.type().id());
    }
    Long maxNodes = LegacyQueries.maxNodes(request);
    long now = queries.now();
    DiffRequest diff = DiffRequest.newBuilder()
        .setLeft(side(left, request, "left", maxNodes, now))
        .setRight(side(right, request, "right", maxNodes, now))
        .build();
    return queries.asTenant(request, () -> {
      DiffResponse r = queries.querier().diff(diff);
      return HttpResponse.ok("application/json", JSON.writeValueAsBytes(Flamebearer.renderDiff(r.getFlamegraph(), left.type())));
    });
  }

  private static SelectMergeStacktracesRequest side(LegacyQueries.Query q, HttpRequest request, String prefix, Long maxNodes,
      long now) {
    long until = LegacyQueries.time(request, prefix + "Until", "now", now);
    long from = LegacyQueries.time(request, prefix + "From", Long.toString(until - 3_600_000L), now);
    SelectMergeStacktracesRequest.Builder b = SelectMergeStacktracesRequest.newBuilder()
        .setProfileTypeID(q.type().id()).setLabelSelector(q.labelSelector()).setStart(from).setEnd(until);
    if (maxNodes != null) {
      b.setMaxNodes(maxNodes);
    }
    return b.build();
  }
}
