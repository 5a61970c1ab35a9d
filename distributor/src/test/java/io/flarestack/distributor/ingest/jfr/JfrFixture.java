package io.flarestack.distributor.ingest.jfr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.ingester.v1.ProfileSeries;
import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.limits.Limits;
import io.flarestack.common.limits.TenantLimits;
import io.flarestack.common.testing.ManualClock;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.distributor.Distributor;
import io.flarestack.distributor.DistributorConfig;
import io.flarestack.distributor.ingest.IngestHandler;
import io.flarestack.distributor.testing.HttpRequests;
import io.flarestack.distributor.testing.RecordingWriter;
import io.flarestack.distributor.testing.TestScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A distributor with the JFR path behind {@code /ingest}, writing into a {@link RecordingWriter}. */
final class JfrFixture implements AutoCloseable {
  static final String BOUNDARY = "8a9ed1f5-e1b0-4f6d-a106-3e8a4384608a";
  static final String MULTIPART = "multipart/form-data; boundary=" + BOUNDARY;

  final ManualClock clock = new ManualClock(Instant.now());
  final RecordingWriter writer = new RecordingWriter();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Path spillDir;
  private final Distributor distributor;
  private final IngestHandler handler;

  JfrFixture(Path spillDir, JfrConfig config, Limits limits) throws Exception {
    this.spillDir = spillDir;
    TenantLimits tenantLimits = TenantLimits.fixed(limits);
    distributor = new Distributor(DistributorConfig.defaults(), tenantLimits, writer, clock, TestScheduler.INSTANCE, registry);
    distributor.start();
    handler = new IngestHandler(distributor, false, clock, tenantLimits,
        new JfrIngest(distributor, new JfrConfig(spillDir.toString(), config.maxSizeBytes()), registry));
  }

  JfrFixture(Path spillDir) throws Exception {
    this(spillDir, JfrConfig.defaults(), Limits.defaults());
  }

  HttpResponse post(String rawQuery, byte[] body, String... headers) {
    return handler.handle(HttpRequests.post("/ingest", rawQuery, body, headers));
  }

  /** A multipart upload as the agent sends it: the jfr part, then the labels part when given. */
  HttpResponse postJfr(String rawQuery, byte[] jfr, byte[] labels) {
    byte[] body = labels == null
        ? HttpRequests.multipart(BOUNDARY, new Object[] {"jfr", "jfr", jfr})
        : HttpRequests.multipart(BOUNDARY, new Object[] {"jfr", "jfr", jfr}, new Object[] {"labels", "labels", labels});
    return post(rawQuery, body, "Content-Type", MULTIPART);
  }

  /** Replays a captured agent request (query, Content-Type and body as recorded). */
  HttpResponse replay(String captured) {
    JsonNode req = json("captured/java-agent-2.9.2/" + captured + ".request.json");
    String contentType = null;
    for (JsonNode h : req.get("headers")) {
      if (h.get(0).asText().equalsIgnoreCase("Content-Type")) {
        contentType = h.get(1).asText();
      }
    }
    long until = Long.parseLong(req.get("query").get(4).get(1).asText());
    clock.set(Instant.ofEpochSecond(until + 5));
    return post(req.get("raw_query").asText(), SharedTestData.bytes("captured/java-agent-2.9.2/" + captured + ".multipart.body"),
        "Content-Type", contentType, "X-Scope-OrgID", "tenant-a");
  }

  /** Sum of the values of one sample type over the written series that match. */
  long total(String metric, String sampleType, Predicate<Map<String, String>> series) {
    long sum = 0;
    for (ProfileSeries s : writer.series()) {
      Map<String, String> labels = RecordingWriter.labels(s);
      if (labels.get("__name__").equals(metric) && series.test(labels)) {
        for (var np : s.getProfilesList()) {
          Long v = PprofFacts.totals(np.getProfile()).get(sampleType);
          sum += v == null ? 0 : v;
        }
      }
    }
    return sum;
  }

  /** Every profile type written, {@code name:type:unit:periodType:periodUnit}. */
  List<String> profileTypes() {
    List<String> out = new ArrayList<>();
    for (ProfileSeries s : writer.series()) {
      for (var np : s.getProfilesList()) {
        Profile p = np.getProfile();
        for (String t : PprofFacts.profileTypes(RecordingWriter.labels(s).get("__name__"), p)) {
          if (!out.contains(t)) {
            out.add(t);
          }
        }
      }
    }
    return out;
  }

  /** The files left in the spill directory. */
  List<Path> spilled() {
    try (Stream<Path> s = Files.list(spillDir)) {
      return s.toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String text(HttpResponse r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  static JsonNode json(String relative) {
    try {
      return new ObjectMapper().readTree(SharedTestData.bytes(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    distributor.stop();
  }
}
