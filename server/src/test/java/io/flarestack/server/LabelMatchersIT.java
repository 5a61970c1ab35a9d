package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.api.push.v1.RawSample;
import io.flarestack.api.querier.v1.ProfileTypesRequest;
import io.flarestack.api.querier.v1.ProfileTypesResponse;
import io.flarestack.api.querier.v1.SelectMergeStacktracesRequest;
import io.flarestack.api.querier.v1.SelectMergeStacktracesResponse;
import io.flarestack.api.querier.v1.SelectSeriesRequest;
import io.flarestack.api.types.v1.LabelNamesRequest;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.api.types.v1.LabelValuesRequest;
import io.flarestack.api.types.v1.LabelValuesResponse;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.server.testing.TestServer;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Label matchers end to end (attack report D2 and D8): regular expressions that backtrack
 * exponentially answer correctly, RE2-only syntax and bare words are refused with 400, and
 * {@code /pyroscope/label-values} applies its {@code query}. Two series: {@code redos} with the
 * report's 2,041-character label value, and {@code other}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LabelMatchersIT {
  private static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
  private static final String LONG_VALUE = "a".repeat(2040) + "!";
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestServer server;
  private long now;
  private long total;

  @BeforeAll
  void push() throws Exception {
    server = TestServer.start();
    now = System.currentTimeMillis();
    Profile java = PprofFacts.withTime(SharedTestData.pprof("pprof/pkg-pprof/profile_java"), (now - 60_000) * 1_000_000L);
    total = PprofFacts.total(java, 0);
    PushRequest push = PushRequest.newBuilder()
        .addSeries(series(java, "redos", LONG_VALUE))
        .addSeries(series(java, "other", null))
        .build();
    HttpResponse<byte[]> r = server.post("/push.v1.PusherService/Push", "application/proto", push.toByteArray());
    assertThat(r.statusCode()).as(TestServer.text(r)).isEqualTo(200);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  // The timeout guards against a hang (the report's patterns used to pin a core for minutes).
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void backtrackingBombsAnswerCorrectly() throws Exception {
    // None of these can match a value ending in '!' (see LabelRegexTest); each used to run for
    // minutes or overflow the stack.
    for (String re : List.of("(.*a){12}$", ".*.*.*.*.*.*.*.*z", "(a|a)+$", "(a+)+$")) {
      String selector = "{service_name=\"redos\",long=~\"" + re + "\"}";
      assertThat(labelValues("service_name", selector)).as(re).isEmpty();
      assertThat(labelValues("service_name", "{long!~\"" + re + "\"}")).as(re).containsExactly("other", "redos");
    }
    assertThat(labelValues("service_name", "{long=~\"(a|a)+!\"}")).containsExactly("redos");
    assertThat(labelValues("service_name", "{long=~\"(.*a){12}!\"}")).containsExactly("redos");
    // A missing label matches as "": "other" has no "long".
    assertThat(labelValues("service_name", "{long=~\"\"}")).containsExactly("other");

    // The report's browser variant, on the legacy render endpoint.
    assertThat(renderTicks(CPU + "{service_name=~\".*.*.*.*.*.*.*.*z\"}")).isZero();
    assertThat(renderTicks(CPU + "{service_name=~\"re.*\"}")).isEqualTo(total);
    assertThat(renderTicks(CPU)).as("the legacy form without braces").isEqualTo(2 * total);
  }

  @Test
  void syntaxOutsideRe2IsRefused() throws Exception {
    assertRefused(post("LabelValues", "{\"name\":\"service_name\",\"matchers\":[\"{long=~\\\"(a)\\\\\\\\1\\\"}\"]}"),
        "backreferences are not supported (RE2 syntax)");
    assertRefused(selectMerge("{service_name=~\"(?=a)\"}"), "lookahead assertions are not supported (RE2 syntax)");
    assertRefused(selectMerge("{service_name=~\"(?<=a)b\"}"), "lookbehind assertions are not supported (RE2 syntax)");
    assertRefused(selectMerge("{service_name=~\"a++\"}"), "possessive quantifiers are not supported (RE2 syntax)");
    HttpResponse<byte[]> render = server.get("/pyroscope/render?query="
        + URLEncoder.encode(CPU + "{service_name=~\"a++\"}", StandardCharsets.UTF_8) + "&from=now-1h&until=now");
    assertThat(render.statusCode()).as(TestServer.text(render)).isEqualTo(400);
    assertThat(TestServer.text(render)).contains("RE2 syntax");
  }

  /**
   * A bare word used to select every series of the type; now 400 on every label selector field.
   * (Why refuse rather than read {__name__="word"}: SelectorTest.labelSelectorsNeedBraces.)
   */
  @Test
  void bareWordsAreNotLabelSelectors() throws Exception {
    assertRefused(selectMerge("nosuchthing"), "in braces");
    assertRefused(selectMerge(CPU + "{service_name=\"redos\"}"), "in braces");
    assertRefused(server.post("/querier.v1.QuerierService/SelectSeries", "application/proto",
        SelectSeriesRequest.newBuilder().setProfileTypeID(CPU).setLabelSelector("nosuchthing").setStep(15)
            .setStart(now - 3_600_000).setEnd(now + 60_000).build().toByteArray()), "in braces");
    assertRefused(server.post("/querier.v1.QuerierService/LabelNames", "application/proto",
        LabelNamesRequest.newBuilder().addMatchers("nosuchthing").build().toByteArray()), "in braces");
    assertThat(flameTotal("{}")).isEqualTo(2 * total);
  }

  @Test
  void labelValuesAppliesItsQuery() throws Exception {
    assertThat(legacyLabelValues("label=service_name")).containsExactly("other", "redos");
    assertThat(legacyLabelValues("label=service_name&query=" + enc("{service_name=\"redos\"}"))).containsExactly("redos");
    assertThat(legacyLabelValues("label=service_name&query=" + enc(CPU + "{service_name=~\"o.*\"}")))
        .containsExactly("other");
    assertThat(legacyLabelValues("label=service_name&query=" + enc("{}"))).containsExactly("other", "redos");
    assertThat(legacyLabelValues("label=service_name&query=" + enc("nosuch:x:count:x:count{}"))).isEmpty();
    assertThat(legacyLabelValues("label=long&query=" + enc("{service_name=\"redos\"}"))).containsExactly(LONG_VALUE);

    List<String> allTypes = new ArrayList<>();
    server.connect("/querier.v1.QuerierService/ProfileTypes", ProfileTypesRequest.getDefaultInstance(),
        ProfileTypesResponse.parser()).getProfileTypesList().forEach(t -> allTypes.add(t.getID()));
    assertThat(allTypes).contains(CPU);
    assertThat(legacyLabelValues("label=__name__")).containsExactlyElementsOf(allTypes);
    // Both series come from the same profile, so they have the same types.
    assertThat(legacyLabelValues("label=__name__&query=" + enc("{service_name=\"redos\"}")))
        .containsExactlyElementsOf(allTypes);
    assertThat(legacyLabelValues("label=__name__&query=" + enc("{service_name=\"none\"}"))).isEmpty();
    assertThat(legacyLabelValues("label=__name__&query=" + enc(CPU + "{}"))).containsExactly(CPU);

    for (String bad : List.of("{", "}", "{a}", "{a=1}", "{a=\"1\"", "{a=~\"(\"}", "{a=~\"(a)\\\\1\"}", "nosuchthing",
        "nosuchthing{}", "{a=\"1\"}}", "{a!!\"1\"}")) {
      HttpResponse<byte[]> r = server.get("/pyroscope/label-values?label=service_name&query=" + enc(bad));
      assertThat(r.statusCode()).as(bad + ": " + TestServer.text(r)).isEqualTo(400);
      assertThat(TestServer.text(r)).as(bad).contains("invalid_argument").contains("query");
    }
  }

  /** Oversized and deeply nested patterns end at once with a 400 naming the limit. */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void hugePatternsAreRefusedNamingTheLimit() throws Exception {
    assertRefused(labelValuesCall("{long=~\"" + "(".repeat(10_000) + "a" + ")".repeat(10_000) + "\"}"), "limit of 16384");
    assertRefused(labelValuesCall("{long=~\"" + "(".repeat(5_000) + "a" + ")".repeat(5_000) + "\"}"),
        "more than 1000 branches");
    StringBuilder alternatives = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      alternatives.append(i == 0 ? "" : "|").append(i);
    }
    assertRefused(labelValuesCall("{long=~\"" + alternatives + "\"}"), "limit of 65536");
    assertRefused(labelValuesCall("{long=~\"" + "a|".repeat(8_200) + "b.*\"}"), "limit of 16384");
    assertRefused(labelValuesCall("{long=~\"" + "a|".repeat(1_000) + "b.*\"}"), "more than 1000 branches");
    assertRefused(labelValuesCall("{long=~\"" + "x".repeat(1 << 20) + "\"}"), "limit of 65536");
    // A literal alternation of many values (a Grafana multi-value variable) needs no engine.
    StringBuilder services = new StringBuilder("redos");
    for (int i = 0; i < 1_500; i++) {
      services.append("|svc-").append(i);
    }
    assertThat(labelValues("service_name", "{service_name=~\"" + services + "\"}")).containsExactly("redos");
  }

  private RawProfileSeries series(Profile profile, String service, String longValue) {
    RawProfileSeries.Builder b = RawProfileSeries.newBuilder()
        .addLabels(LabelPair.newBuilder().setName("__name__").setValue("process_cpu"))
        .addLabels(LabelPair.newBuilder().setName("service_name").setValue(service));
    if (longValue != null) {
      b.addLabels(LabelPair.newBuilder().setName("long").setValue(longValue));
    }
    return b.addSamples(RawSample.newBuilder().setRawProfile(ByteString.copyFrom(profile.toByteArray()))).build();
  }

  private List<String> labelValues(String name, String selector) throws Exception {
    HttpResponse<byte[]> r = labelValuesCall(name, selector);
    assertThat(r.statusCode()).as(TestServer.text(r)).isEqualTo(200);
    return LabelValuesResponse.parseFrom(r.body()).getNamesList();
  }

  private HttpResponse<byte[]> labelValuesCall(String selector) throws Exception {
    return labelValuesCall("service_name", selector);
  }

  private HttpResponse<byte[]> labelValuesCall(String name, String selector) throws Exception {
    return server.post("/querier.v1.QuerierService/LabelValues", "application/proto", LabelValuesRequest.newBuilder()
        .setName(name).addMatchers(selector).setStart(now - 3_600_000).setEnd(now + 60_000).build().toByteArray());
  }

  private HttpResponse<byte[]> selectMerge(String selector) throws Exception {
    return server.post("/querier.v1.QuerierService/SelectMergeStacktraces", "application/proto",
        SelectMergeStacktracesRequest.newBuilder().setProfileTypeID(CPU).setLabelSelector(selector)
            .setStart(now - 3_600_000).setEnd(now + 60_000).build().toByteArray());
  }

  private long flameTotal(String selector) throws Exception {
    HttpResponse<byte[]> r = selectMerge(selector);
    assertThat(r.statusCode()).as(TestServer.text(r)).isEqualTo(200);
    return SelectMergeStacktracesResponse.parseFrom(r.body()).getFlamegraph().getTotal();
  }

  private HttpResponse<byte[]> post(String method, String json) throws Exception {
    return server.post("/querier.v1.QuerierService/" + method, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  private long renderTicks(String query) throws Exception {
    HttpResponse<byte[]> r = server.get("/pyroscope/render?query=" + enc(query) + "&from=now-1h&until=now%2B1m");
    assertThat(r.statusCode()).as(TestServer.text(r)).isEqualTo(200);
    return JSON.readTree(r.body()).path("flamebearer").path("numTicks").asLong();
  }

  private List<String> legacyLabelValues(String params) throws Exception {
    HttpResponse<byte[]> r = server.get("/pyroscope/label-values?" + params);
    assertThat(r.statusCode()).as(params + ": " + TestServer.text(r)).isEqualTo(200);
    List<String> out = new ArrayList<>();
    for (JsonNode v : JSON.readTree(r.body())) {
      out.add(v.asText());
    }
    return out;
  }

  private void assertRefused(HttpResponse<byte[]> r, String messagePart) throws Exception {
    String body = TestServer.text(r);
    assertThat(r.statusCode()).as(body).isEqualTo(400);
    assertThat(body).contains("\"code\":\"invalid_argument\"").contains(messagePart);
    assertThat(body.length()).as("the message quotes long input in part").isLessThan(2_000);
    assertThat(server.get("/ready").statusCode()).isEqualTo(200);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
