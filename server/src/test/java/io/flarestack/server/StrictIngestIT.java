package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.api.push.v1.RawSample;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.api.types.v1.LabelValuesRequest;
import io.flarestack.api.types.v1.LabelValuesResponse;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.server.testing.TestServer;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The lenient inputs of the attack report's D9, through a real server: each is refused with a
 * 4xx whose message names the problem, and nothing of it is stored. (What real agents send still
 * passes: CapturedJavaAgentIT, PprofDialectsIT and IngestHandlerTest replay their captured
 * requests.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StrictIngestIT {
  private static final byte[] FOLDED = "main;work 3\n".getBytes(StandardCharsets.UTF_8);
  private TestServer server;

  @BeforeAll
  void start() throws Exception {
    server = TestServer.start();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void brokenIngestNamesAre400NamingTheProblem() throws Exception {
    assertRefused(ingest("fuzz.cpu{", FOLDED), 400, "name: the label set is not closed with '}'");
    assertRefused(ingest("fuzz.cpu{env=a", FOLDED), 400, "name: the label set is not closed with '}'");
    assertRefused(ingest("fuzz.cpu{env=a}{b=c}", FOLDED), 400, "unexpected text after the label set's closing '}': {b=c}");
    assertRefused(ingest("fuzz.cpu{env=a}xxxxxxxxxx", FOLDED), 400, "closing '}': xxxxxxxxxx");
    assertRefused(ingest("fuzz.cpu{{{{{{", FOLDED), 400, "name: the label set is not closed");
    assertRefused(ingest("..", FOLDED), 400, "name: invalid service name: ..: a dot-separated part is empty");
    assertRefused(ingest("fuzz.cpu{env=a,env=b}", FOLDED), 400, "name: label env is given twice");
    assertRefused(server.post("/ingest?name=fuzz.cpu%7Benv%3Da%FFb%7D", "text/plain", FOLDED), 400,
        "the value of label env contains U+FFFD");
    assertRefused(server.post("/ingest?name=fuzz.cpu%7Benv%3Da%00b%7D", "text/plain", FOLDED), 400,
        "the value of label env contains the control character U+0000");
  }

  @Test
  void badParametersAre400() throws Exception {
    for (String rate : List.of("-1", "abc", "1e309", "99999999999999999999999")) {
      assertRefused(ingest("fuzz.cpu", "&sampleRate=" + enc(rate), FOLDED), 400, "sampleRate \\\"" + rate + "\\\"");
    }
    for (String t : List.of("abc", "-9999999999999999999", "99999999999999999999", "-1", "0", "1.5", "")) {
      HttpResponse<byte[]> r = ingest("fuzz.cpu", "&from=" + enc(t), FOLDED);
      assertRefused(r, 400, "from");
    }
    assertRefused(ingest("fuzz.cpu", "&from=now&until=now-1h", FOLDED), 400, "is after until");
  }

  @Test
  void aFoldedLineWithoutACountIs400NamingTheLine() throws Exception {
    assertRefused(ingest("fuzz.cpu", "main;work 1\nmain;work\n".getBytes(StandardCharsets.UTF_8)), 400,
        "line 2: \\\"main;work\\\" has no count");
  }

  @Test
  void aMultipartContentTypeWithARawPprofIsRefused() throws Exception {
    byte[] pprof = PprofFacts.withTime(SharedTestData.pprof("pprof/og-convert-pprof/cpu.pb.gz"),
        System.currentTimeMillis() * 1_000_000L).toByteArray();
    HttpResponse<byte[]> r = server.post("/ingest?name=fuzz-raw&format=pprof", "multipart/form-data; boundary=b0",
        pprof);
    // 422 as every multipart failure on the pprof path (Pyroscope's status for those)
    assertRefused(r, 422, "invalid multipart body: the body does not contain the boundary b0");
  }

  @Test
  void aMetricNameWithASpaceAndControlCharactersInValuesAreRefusedOnPush() throws Exception {
    byte[] pprof = PprofFacts.withTime(SharedTestData.pprof("pprof/og-convert-pprof/cpu.pb.gz"),
        System.currentTimeMillis() * 1_000_000L).toByteArray();
    assertRefused(server.post("/push.v1.PusherService/Push", "application/proto",
        push("process cpu", "fuzz-push", "v", pprof)), 400, "invalid metric name 'process cpu'");
    assertRefused(server.post("/push.v1.PusherService/Push", "application/proto",
        push("process_cpu", "fuzz-push", "a\u0000b", pprof)), 400, "contains the control character U+0000");
  }

  private void assertRefused(HttpResponse<byte[]> r, int status, String message) throws Exception {
    String body = TestServer.text(r);
    assertThat(r.statusCode()).as(body).isEqualTo(status);
    assertThat(body).contains("\"code\":\"invalid_argument\"").contains(message);
    assertThat(services()).noneMatch(s -> s.startsWith("fuzz"));
  }

  private List<String> services() throws Exception {
    return server.connect("/querier.v1.QuerierService/LabelValues", LabelValuesRequest.newBuilder()
        .setName("service_name").setStart(System.currentTimeMillis() - 3_600_000)
        .setEnd(System.currentTimeMillis() + 60_000).build(), LabelValuesResponse.parser()).getNamesList();
  }

  private HttpResponse<byte[]> ingest(String name, byte[] body) throws Exception {
    return ingest(name, "", body);
  }

  private HttpResponse<byte[]> ingest(String name, String more, byte[] body) throws Exception {
    return server.post("/ingest?name=" + enc(name) + more, "text/plain", body);
  }

  private static byte[] push(String metric, String service, String env, byte[] pprof) {
    return PushRequest.newBuilder().addSeries(RawProfileSeries.newBuilder()
        .addLabels(LabelPair.newBuilder().setName("__name__").setValue(metric))
        .addLabels(LabelPair.newBuilder().setName("service_name").setValue(service))
        .addLabels(LabelPair.newBuilder().setName("env").setValue(env))
        .addSamples(RawSample.newBuilder().setRawProfile(ByteString.copyFrom(pprof)))).build().toByteArray();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
