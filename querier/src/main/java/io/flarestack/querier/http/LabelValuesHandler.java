package io.flarestack.querier.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flarestack.api.querier.v1.ProfileTypesRequest;
import io.flarestack.api.querier.v1.QuerierServiceGrpc.QuerierServiceBlockingStub;
import io.flarestack.api.types.v1.LabelValuesRequest;
import io.flarestack.api.types.v1.ProfileType;
import io.flarestack.common.edge.http.HttpHandler;
import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.LabelNames;
import io.flarestack.common.model.Matcher;
import io.flarestack.common.model.Selector;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /pyroscope/label-values?label=<name>[&query=<selector>]}: a bare JSON array.
 * {@code __name__} lists the profile type ids, as in Pyroscope; any other label lists its values
 * (Pyroscope v1 rejects those, which no client relies on).
 *
 * <p>{@code query}, when present, restricts the series as in the legacy render query: a selector
 * such as {@code {service_name="api"}}, optionally after a profile type id
 * ({@code process_cpu:cpu:nanoseconds:cpu:nanoseconds{service_name="api"}}), which then selects
 * that type. An invalid one is refused with invalid_argument. (Pyroscope v1 reads no
 * {@code query} here; its predecessor's API took one, and ignoring it answered every series.)
 */
public final class LabelValuesHandler implements HttpHandler {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LegacyQueries queries;

  public LabelValuesHandler(QuerierServiceBlockingStub querier, boolean multitenancyEnabled, Clock clock) {
    this.queries = new LegacyQueries(requireNonNull(querier, "querier is null"), multitenancyEnabled, clock);
  }

  @Override
  public HttpResponse handle(HttpRequest request) throws Exception {
    String label = request.param("label");
    if (label == null || label.isEmpty()) {
      throw FlarestackException.invalidArgument("label is required");
    }
    List<String> matchers = matchers(request.param("query"));
    List<String> values = queries.asTenant(request, () -> {
      if (label.equals("__name__") && matchers.isEmpty()) {
        List<String> ids = new ArrayList<>();
        for (ProfileType t : queries.querier().profileTypes(ProfileTypesRequest.getDefaultInstance()).getProfileTypesList()) {
          ids.add(t.getID());
        }
        return ids;
      }
      // With a query, the profile type ids are the values of the type label of the matching series.
      String name = label.equals("__name__") ? LabelNames.PROFILE_TYPE : label;
      return queries.querier().labelValues(LabelValuesRequest.newBuilder().setName(name).addAllMatchers(matchers).build())
          .getNamesList();
    });
    return HttpResponse.ok("application/json", JSON.writeValueAsBytes(values));
  }

  /** The {@code query} parameter as LabelValues matchers: none when absent or {@code {}}. */
  static List<String> matchers(String query) {
    if (query == null || query.isBlank()) {
      return List.of();
    }
    List<Matcher> all = new ArrayList<>();
    try {
      Selector s = Selector.parseWithMetricName(query);
      if (s.metricName() != null) {
        all.add(Matcher.equal(LabelNames.PROFILE_TYPE, io.flarestack.common.model.ProfileType.parse(s.metricName()).id()));
      }
      all.addAll(s.matchers());
    } catch (FlarestackException e) {
      throw FlarestackException.invalidArgument("query: %s", e.getMessage());
    }
    return all.isEmpty() ? List.of() : List.of(new Selector(null, all).toString());
  }
}
