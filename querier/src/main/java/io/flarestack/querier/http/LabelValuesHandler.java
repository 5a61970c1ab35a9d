package io.flarestack.querier.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flarestack.api.querier.v1.ProfileTypesRequest;
import io.flarestack.api.querier.v1.QuerierServiceGrpc.QuerierServiceBlockingStub;
import io.flarestack.api.types.v1.LabelValuesRequest;
import io.flarestack.api.types.v1.ProfileType;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.server.http.HttpHandler;
import io.flarestack.common.server.http.HttpRequest;
import io.flarestack.common.server.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /pyroscope/label-values?label=<name>}: a bare JSON array. {@code __name__} lists the
 * profile type ids, as in Pyroscope; any other label lists its values (Pyroscope v1 rejects
 * those, which no client relies on).
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
    List<String> values = queries.asTenant(request, () -> {
      if (label.equals("__name__")) {
        List<String> ids = new ArrayList<>();
        for (ProfileType t : queries.querier().profileTypes(ProfileTypesRequest.getDefaultInstance()).getProfileTypesList()) {
          ids.add(t.getID());
        }
        return ids;
      }
      return queries.querier().labelValues(LabelValuesRequest.newBuilder().setName(label).build()).getNamesList();
    });
    return HttpResponse.ok("application/json", JSON.writeValueAsBytes(values));
  }
}
