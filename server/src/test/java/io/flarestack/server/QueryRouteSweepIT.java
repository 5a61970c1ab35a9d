package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.api.push.v1.RawSample;
import io.flarestack.api.querier.v1.AnalyzeQueryRequest;
import io.flarestack.api.querier.v1.DiffRequest;
import io.flarestack.api.querier.v1.ProfileTypesRequest;
import io.flarestack.api.querier.v1.SelectHeatmapRequest;
import io.flarestack.api.querier.v1.SelectMergeProfileRequest;
import io.flarestack.api.querier.v1.SelectMergeSpanProfileRequest;
import io.flarestack.api.querier.v1.SelectMergeStacktracesRequest;
import io.flarestack.api.querier.v1.SelectMergeStacktracesResponse;
import io.flarestack.api.querier.v1.SelectSeriesRequest;
import io.flarestack.api.querier.v1.SelectSeriesResponse;
import io.flarestack.api.querier.v1.SeriesRequest;
import io.flarestack.api.settings.v1.DeleteSettingsRequest;
import io.flarestack.api.settings.v1.GetSettingsRequest;
import io.flarestack.api.settings.v1.SetSettingsRequest;
import io.flarestack.api.settings.v1.Setting;
import io.flarestack.api.types.v1.GetProfileStatsRequest;
import io.flarestack.api.types.v1.LabelNamesRequest;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.api.types.v1.LabelValuesRequest;
import io.flarestack.api.types.v1.Location;
import io.flarestack.api.types.v1.StackTraceSelector;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.server.testing.RouteSweep;
import io.flarestack.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every query route, fed the malformed inputs of the attack report's "Test 2" (bad selectors,
 * profile types, time ranges, max_nodes, steps, limits, enums, bodies, random protobuf) on a
 * real server holding data: no answer may be a 5xx (a 501 only where a feature is plainly not
 * built) or an error without a message, and afterwards the server still serves the data it
 * had. Inputs are generated here (random ones from fixed seeds), so a failure names its case.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryRouteSweepIT {
  private static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
  private static final String Q = "/querier.v1.QuerierService/";
  private static final String SETTINGS = "/settings.v1.SettingsService/";
  private static final String SPAN = "0123456789abcdef";

  private TestServer server;
  private long now;
  private long javaTotal;

  @BeforeAll
  void pushData() throws Exception {
    server = TestServer.start();
    now = System.currentTimeMillis();
    Profile java = PprofFacts.withTime(SharedTestData.pprof("java/cpu.pb.gz"), (now - 60_000) * 1_000_000L);
    javaTotal = PprofFacts.total(java, 0);
    push("sweep", java);
    push("sweep-go", PprofFacts.withTime(SharedTestData.pprof("go/cpu.pb.gz"), (now - 120_000) * 1_000_000L));
    assertThat(total()).isEqualTo(javaTotal);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void noQueryRouteAnswersAServerErrorOrAnErrorWithoutAMessage() throws Exception {
    RouteSweep sweep = new RouteSweep(Duration.ofSeconds(30));
    selectCases(sweep);
    metadataCases(sweep);
    otherRpcCases(sweep);
    bodyCases(sweep);
    legacyCases(sweep);

    List<RouteSweep.Outcome> outcomes = sweep.run(server.baseUrl());
    assertThat(outcomes).hasSize(sweep.size()).hasSizeGreaterThan(500);
    assertThat(RouteSweep.violations(outcomes)).as("status counts: %s", RouteSweep.histogram(outcomes)).isEmpty();
    // Bad input was refused, not ignored: most answers are 4xx.
    long refused = outcomes.stream().filter(o -> o.status() >= 400 && o.status() < 500).count();
    assertThat(refused).as(RouteSweep.histogram(outcomes)).isGreaterThan(outcomes.size() / 2);
    // The server is still ready and still has its data.
    assertThat(server.get("/ready").statusCode()).isEqualTo(200);
    assertThat(total()).isEqualTo(javaTotal);
  }

  /** The report's D8 case: over 1,800 s, step 1,799 gave one point and step 1,801 nothing. */
  @Test
  void aStepLongerThanTheRangeStillGivesOnePointPerSeries() throws Exception {
    long start = now - 1_800_000;
    for (double step : new double[] {1799, 1800, 1801, 86_400, 1e18}) {
      SelectSeriesResponse r = server.connect(Q + "SelectSeries", series(CPU, "{service_name=\"sweep\"}", start, now).setStep(step)
          .build(), SelectSeriesResponse.parser());
      assertThat(r.getSeriesCount()).as("step %s", step).isEqualTo(1);
      assertThat(r.getSeries(0).getPointsCount()).as("step %s", step).isEqualTo(1);
      assertThat(r.getSeries(0).getPoints(0).getValue()).as("step %s", step).isEqualTo((double) javaTotal);
    }
  }

  // --- Select* and Diff: every bad selector, type, range, node budget and step -------------

  private void selectCases(RouteSweep sweep) {
    long start = now - 3_600_000;
    for (Map.Entry<String, String> s : badSelectors().entrySet()) {
      eachSelect(sweep, "selector " + s.getKey(), CPU, s.getValue(), start, now);
    }
    for (Map.Entry<String, String> t : badProfileTypes().entrySet()) {
      eachSelect(sweep, "profile type " + t.getKey(), t.getValue(), "{}", start, now);
    }
    for (Map.Entry<String, long[]> r : badRanges().entrySet()) {
      eachSelect(sweep, "range " + r.getKey(), CPU, "{}", r.getValue()[0], r.getValue()[1]);
    }
    for (long maxNodes : new long[] {0, -1, Long.MIN_VALUE, 1_000_000_000L, Long.MAX_VALUE, 1}) {
      String n = "max_nodes " + maxNodes;
      sweep.connectBoth(n, Q + "SelectMergeStacktraces", stacktraces(CPU, "{}", start, now).setMaxNodes(maxNodes).build());
      sweep.connectBoth(n, Q + "SelectMergeProfile", SelectMergeProfileRequest.newBuilder().setProfileTypeID(CPU)
          .setLabelSelector("{}").setStart(start).setEnd(now).setMaxNodes(maxNodes).build());
      sweep.connectBoth(n, Q + "SelectMergeSpanProfile", span(CPU, "{}", start, now).setMaxNodes(maxNodes).build());
      sweep.connectBoth(n, Q + "Diff", DiffRequest.newBuilder()
          .setLeft(stacktraces(CPU, "{}", start, now).setMaxNodes(maxNodes))
          .setRight(stacktraces(CPU, "{}", start, now)).build());
    }
    for (double step : new double[] {0, -15, 0.001, 1e-9, 1e18, 7200, Double.NaN, Double.POSITIVE_INFINITY}) {
      sweep.connectBoth("step " + step, Q + "SelectSeries", series(CPU, "{}", start, now).setStep(step).build());
    }
    List<String> manyLabels = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      manyLabels.add("label_" + i);
    }
    sweep.connectBoth("group_by 10000 labels", Q + "SelectSeries", series(CPU, "{}", start, now).addAllGroupBy(manyLabels).build());
    for (long limit : new long[] {-1, 0, 1, 1_000_000_000_000L, Long.MIN_VALUE}) {
      sweep.connectBoth("limit " + limit, Q + "SelectSeries", series(CPU, "{}", start, now).setLimit(limit).build());
    }
    // Bad enums: numbers in both encodings, names in JSON.
    sweep.connectBoth("format 99", Q + "SelectMergeStacktraces", stacktraces(CPU, "{}", start, now).setFormatValue(99).build());
    sweep.connectBoth("format DOT", Q + "SelectMergeStacktraces", stacktraces(CPU, "{}", start, now).setFormatValue(3).build());
    sweep.connectBoth("format -1", Q + "SelectMergeSpanProfile", span(CPU, "{}", start, now).setFormatValue(-1).build());
    sweep.connectBoth("aggregation 7", Q + "SelectSeries", series(CPU, "{}", start, now).setAggregationValue(7).build());
    sweep.connectBoth("exemplar type 99", Q + "SelectSeries", series(CPU, "{}", start, now).setExemplarTypeValue(99).build());
    sweep.connectBoth("exemplars individual", Q + "SelectSeries", series(CPU, "{}", start, now).setExemplarTypeValue(1).build());
    sweep.connectBoth("diff side format 42", Q + "Diff", DiffRequest.newBuilder()
        .setLeft(stacktraces(CPU, "{}", start, now).setFormatValue(42)).setRight(stacktraces(CPU, "{}", start, now)).build());
    String range = ",\"start\":\"" + start + "\",\"end\":\"" + now + "\"";
    sweep.connectJson("aggregation BOGUS", Q + "SelectSeries",
        "{\"profileTypeID\":\"" + CPU + "\",\"labelSelector\":\"{}\",\"step\":15,\"aggregation\":\"BOGUS\"" + range + "}");
    sweep.connectJson("format BOGUS", Q + "SelectMergeStacktraces",
        "{\"profileTypeID\":\"" + CPU + "\",\"labelSelector\":\"{}\",\"format\":\"PROFILE_FORMAT_FUNCTIONS\"" + range + "}");
    sweep.connectJson("step NaN string", Q + "SelectSeries",
        "{\"profileTypeID\":\"" + CPU + "\",\"labelSelector\":\"{}\",\"step\":\"NaN\"" + range + "}");
    sweep.connectJson("step -Infinity string", Q + "SelectSeries",
        "{\"profileTypeID\":\"" + CPU + "\",\"labelSelector\":\"{}\",\"step\":\"-Infinity\"" + range + "}");
    // Huge lists of everything else.
    StackTraceSelector.Builder callSite = StackTraceSelector.newBuilder();
    List<String> ids = new ArrayList<>();
    List<String> spans = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      callSite.addCallSite(Location.newBuilder().setName("frame" + i));
      ids.add(java.util.UUID.nameUUIDFromBytes(new byte[] {(byte) i, (byte) (i >> 8)}).toString());
      spans.add(String.format("%016x", i));
    }
    sweep.connectBoth("10000 call sites", Q + "SelectMergeStacktraces",
        stacktraces(CPU, "{}", start, now).setStackTraceSelector(callSite).build());
    sweep.connectBoth("10000 call sites", Q + "SelectSeries", series(CPU, "{}", start, now).setStackTraceSelector(callSite).build());
    sweep.connectBoth("10000 profile ids", Q + "SelectMergeStacktraces",
        stacktraces(CPU, "{}", start, now).addAllProfileIdSelector(ids).build());
    sweep.connectBoth("10000 trace ids", Q + "SelectMergeProfile", SelectMergeProfileRequest.newBuilder().setProfileTypeID(CPU)
        .setLabelSelector("{}").setStart(start).setEnd(now).addAllTraceIdSelector(ids).build());
    sweep.connectBoth("10000 span ids", Q + "SelectMergeStacktraces", stacktraces(CPU, "{}", start, now).addAllSpanSelector(spans).build());
    sweep.connectBoth("bad span id", Q + "SelectMergeSpanProfile", span(CPU, "{}", start, now).addSpanSelector("xyz").build());
    sweep.connectBoth("diff without sides", Q + "Diff", DiffRequest.getDefaultInstance());
  }

  /** One variation through every Select* method and both sides of Diff. */
  private void eachSelect(RouteSweep sweep, String name, String type, String selector, long start, long end) {
    sweep.connectBoth(name, Q + "SelectMergeStacktraces", stacktraces(type, selector, start, end).build());
    sweep.connectBoth(name + " as tree", Q + "SelectMergeStacktraces", stacktraces(type, selector, start, end).setFormatValue(2).build());
    sweep.connectBoth(name + " as pprof", Q + "SelectMergeStacktraces", stacktraces(type, selector, start, end).setFormatValue(4).build());
    sweep.connectBoth(name, Q + "SelectMergeProfile", SelectMergeProfileRequest.newBuilder().setProfileTypeID(type)
        .setLabelSelector(selector).setStart(start).setEnd(end).build());
    sweep.connectBoth(name, Q + "SelectMergeSpanProfile", span(type, selector, start, end).build());
    sweep.connectBoth(name, Q + "SelectSeries", series(type, selector, start, end).addGroupBy("service_name").build());
    sweep.connectBoth(name + " on the left", Q + "Diff", DiffRequest.newBuilder()
        .setLeft(stacktraces(type, selector, start, end)).setRight(stacktraces(CPU, "{}", now - 3_600_000, now)).build());
    sweep.connectBoth(name + " on the right", Q + "Diff", DiffRequest.newBuilder()
        .setLeft(stacktraces(CPU, "{}", now - 3_600_000, now)).setRight(stacktraces(type, selector, start, end)).build());
  }

  // --- Metadata RPCs ---------------------------------------------------------------------

  private void metadataCases(RouteSweep sweep) {
    long start = now - 3_600_000;
    for (Map.Entry<String, String> s : badSelectors().entrySet()) {
      String n = "matcher " + s.getKey();
      sweep.connectBoth(n, Q + "LabelNames", LabelNamesRequest.newBuilder().addMatchers(s.getValue()).setStart(start).setEnd(now).build());
      sweep.connectBoth(n, Q + "LabelValues", LabelValuesRequest.newBuilder().setName("service_name").addMatchers(s.getValue())
          .setStart(start).setEnd(now).build());
      sweep.connectBoth(n, Q + "Series", SeriesRequest.newBuilder().addMatchers(s.getValue()).addLabelNames("service_name")
          .setStart(start).setEnd(now).build());
    }
    for (Map.Entry<String, long[]> r : badRanges().entrySet()) {
      long s = r.getValue()[0];
      long e = r.getValue()[1];
      String n = "range " + r.getKey();
      sweep.connectBoth(n, Q + "ProfileTypes", ProfileTypesRequest.newBuilder().setStart(s).setEnd(e).build());
      sweep.connectBoth(n, Q + "LabelNames", LabelNamesRequest.newBuilder().setStart(s).setEnd(e).build());
      sweep.connectBoth(n, Q + "LabelValues", LabelValuesRequest.newBuilder().setName("service_name").setStart(s).setEnd(e).build());
      sweep.connectBoth(n, Q + "Series", SeriesRequest.newBuilder().setStart(s).setEnd(e).build());
    }
    List<String> manyMatchers = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      manyMatchers.add("{service_name=\"s" + i + "\"}");
    }
    sweep.connectBoth("10000 selectors", Q + "LabelNames", LabelNamesRequest.newBuilder().addAllMatchers(manyMatchers).build());
    sweep.connectBoth("10000 selectors", Q + "Series", SeriesRequest.newBuilder().addAllMatchers(manyMatchers).build());
    sweep.connectBoth("no name", Q + "LabelValues", LabelValuesRequest.getDefaultInstance());
    sweep.connectBoth("1 MiB name", Q + "LabelValues", LabelValuesRequest.newBuilder().setName("n".repeat(1 << 20)).build());
    sweep.connectBoth("10000 label names", Q + "Series", SeriesRequest.newBuilder().addAllLabelNames(manyMatchers).build());
  }

  // --- The rest: stats, heatmap, analyze, settings ---------------------------------------

  private void otherRpcCases(RouteSweep sweep) {
    sweep.connectBoth("empty", Q + "GetProfileStats", GetProfileStatsRequest.getDefaultInstance());
    sweep.connectBoth("empty", Q + "SelectHeatmap", SelectHeatmapRequest.getDefaultInstance());
    sweep.connectBoth("bad", Q + "SelectHeatmap", SelectHeatmapRequest.newBuilder().setProfileTypeID(":::::")
        .setQueryTypeValue(99).setStep(-1).build());
    sweep.connectBoth("query", Q + "AnalyzeQuery", AnalyzeQueryRequest.newBuilder().setQuery(CPU + "{")
        .setStart(Long.MIN_VALUE).setEnd(Long.MAX_VALUE).build());
    sweep.connectBoth("get", SETTINGS + "Get", GetSettingsRequest.getDefaultInstance());
    sweep.connectBoth("no name", SETTINGS + "Set", SetSettingsRequest.getDefaultInstance());
    sweep.connectBoth("value over 1 MiB", SETTINGS + "Set", SetSettingsRequest.newBuilder()
        .setSetting(Setting.newBuilder().setName("big").setValue("v".repeat((1 << 20) + 1))).build());
    sweep.connectBoth("negative time", SETTINGS + "Set", SetSettingsRequest.newBuilder()
        .setSetting(Setting.newBuilder().setName("t").setValue("x").setModifiedAt(Long.MIN_VALUE)).build());
    sweep.connectBoth("unknown", SETTINGS + "Delete", DeleteSettingsRequest.newBuilder().setName("nope").build());
    sweep.connectBoth("empty", SETTINGS + "Delete", DeleteSettingsRequest.getDefaultInstance());
  }

  // --- Broken and random bodies to every method ------------------------------------------

  private void bodyCases(RouteSweep sweep) {
    List<String> methods = new ArrayList<>();
    for (String m : List.of("ProfileTypes", "LabelValues", "LabelNames", "Series", "SelectMergeStacktraces",
        "SelectMergeSpanProfile", "SelectMergeProfile", "SelectSeries", "SelectHeatmap", "Diff", "GetProfileStats",
        "AnalyzeQuery")) {
      methods.add(Q + m);
    }
    for (String m : List.of("Get", "Set", "Delete")) {
      methods.add(SETTINGS + m);
    }
    long seed = 20_261_201;
    for (String path : methods) {
      for (Map.Entry<String, String> b : RouteSweep.badJsonBodies().entrySet()) {
        sweep.connectJson("body " + b.getKey(), path, b.getValue());
      }
      int i = 0;
      for (byte[] body : RouteSweep.randomProtoBodies(seed++, 20)) {
        sweep.connectProto("random body " + i++, path, body);
      }
      sweep.post("no content type", path, null, "{}".getBytes());
      sweep.post("text/plain", path, "text/plain", "{}".getBytes());
    }
  }

  // --- Legacy GET endpoints --------------------------------------------------------------

  private void legacyCases(RouteSweep sweep) {
    String good = RouteSweep.q(CPU + "{}");
    for (Map.Entry<String, String> s : badSelectors().entrySet()) {
      String query = RouteSweep.q(CPU + s.getValue());
      sweep.get("render selector " + s.getKey(), "/pyroscope/render?query=" + query + "&from=now-1h&until=now");
      sweep.get("render-diff selector " + s.getKey(), "/pyroscope/render-diff?leftQuery=" + query + "&rightQuery=" + good);
      sweep.get("label-values query " + s.getKey(), "/pyroscope/label-values?label=service_name&query=" + RouteSweep.q(s.getValue()));
    }
    for (Map.Entry<String, String> t : badProfileTypes().entrySet()) {
      String query = RouteSweep.q(t.getValue() + "{}");
      sweep.get("render type " + t.getKey(), "/pyroscope/render?query=" + query);
      sweep.get("render-diff type " + t.getKey(), "/pyroscope/render-diff?leftQuery=" + query + "&rightQuery=" + query);
    }
    for (String[] fu : new String[][] {{"now-10y", "now"}, {"now", "now-1h"}, {"now-1h", "now+10y"}, {"-1", "now"},
        {"0", "0"}, {"abc", "xyz"}, {"99999999999999999999", "now"}, {"-9999999999999999999", "now"}, {"now-25h", "now"},
        {"now-8d", "now-7d23h"}, {"1", "2"}, {"20261301", "now"}, {"", ""}, {"now-1h", "now-1h"},
        {"9999999996399", "9999999999999"}, {"now+10y", "now+10y1h"}}) {
      String range = "&from=" + RouteSweep.q(fu[0]) + "&until=" + RouteSweep.q(fu[1]);
      sweep.get("render from " + fu[0] + " until " + fu[1], "/pyroscope/render?query=" + good + range);
      sweep.get("render-diff from " + fu[0] + " until " + fu[1], "/pyroscope/render-diff?leftQuery=" + good + "&rightQuery=" + good
          + "&leftFrom=" + RouteSweep.q(fu[0]) + "&leftUntil=" + RouteSweep.q(fu[1]) + "&rightFrom=now-1h&rightUntil=now");
    }
    for (String n : new String[] {"0", "-1", "1000000000", "-9223372036854775808", "9223372036854775807",
        "99999999999999999999", "abc", "1e3", " 5 "}) {
      sweep.get("render max-nodes " + n, "/pyroscope/render?query=" + good + "&max-nodes=" + RouteSweep.q(n));
      sweep.get("render maxNodes " + n, "/pyroscope/render?query=" + good + "&maxNodes=" + RouteSweep.q(n));
      sweep.get("render-diff max-nodes " + n, "/pyroscope/render-diff?leftQuery=" + good + "&rightQuery=" + good + "&max-nodes="
          + RouteSweep.q(n));
    }
    sweep.get("render format dot", "/pyroscope/render?query=" + good + "&format=dot");
    sweep.get("render format xml", "/pyroscope/render?query=" + good + "&format=xml");
    sweep.get("render aggregation bogus", "/pyroscope/render?query=" + good + "&aggregation=BOGUS");
    StringBuilder groupBy = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      groupBy.append("&groupBy=l").append(i);
    }
    sweep.get("render 10000 groupBy", "/pyroscope/render?query=" + good + groupBy);
    sweep.get("render without query", "/pyroscope/render");
    sweep.get("render-diff without queries", "/pyroscope/render-diff");
    sweep.get("render-diff different types", "/pyroscope/render-diff?leftQuery=" + good + "&rightQuery="
        + RouteSweep.q("memory:alloc_space:bytes:space:bytes{}"));
    sweep.get("label-values without label", "/pyroscope/label-values");
    sweep.get("label-values empty label", "/pyroscope/label-values?label=");
    sweep.get("label-values __name__", "/pyroscope/label-values?label=__name__");
    sweep.get("label-values service_name", "/pyroscope/label-values?label=service_name");
    sweep.get("label-values 1 MiB label", "/pyroscope/label-values?label=" + "l".repeat(1 << 16));
    sweep.post("render as POST", "/pyroscope/render?query=" + good, "application/json", "{}".getBytes());
  }

  // --- Inputs ----------------------------------------------------------------------------

  private static Map<String, String> badSelectors() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("{", "{");
    out.put("}", "}");
    out.put("bare word", "nosuchthing");
    out.put("no value", "{service_name=}");
    out.put("unclosed brace", "{service_name=\"sweep\"");
    out.put("unclosed quote", "{service_name=\"sweep}");
    out.put("bad operator", "{service_name=>\"sweep\"}");
    out.put("empty", "");
    out.put("invalid regex", "{service_name=~\"(\"}");
    out.put("invalid regex class", "{service_name=~\"[z-a]\"}");
    out.put("10000 nested groups", "{service_name=~\"" + "(".repeat(10_000) + "a" + ")".repeat(10_000) + "\"}");
    out.put("10000 unbalanced groups", "{service_name=~\"" + "(".repeat(10_000) + "\"}");
    out.put("non-RE2 lookbehind", "{service_name=~\"(?<=a)b\"}");
    out.put("non-RE2 backreference", "{service_name=~\"(a)\\\\1\"}");
    StringBuilder matchers = new StringBuilder("{");
    StringBuilder alternatives = new StringBuilder("{service_name=~\"");
    for (int i = 0; i < 20_000; i++) {
      if (i < 10_000) {
        matchers.append(i == 0 ? "" : ",").append("l").append(i).append("=\"v\"");
      }
      alternatives.append(i == 0 ? "" : "|").append("alt").append(i);
    }
    out.put("10000 matchers", matchers.append('}').toString());
    out.put("20000 alternatives", alternatives.append("\"}").toString());
    out.put("1 MiB", "{service_name=\"" + "x".repeat(1 << 20) + "\"}");
    out.put("nul and invalid name", "{\u0000=\"a\",1abc=\"b\"}");
    return out;
  }

  private static Map<String, String> badProfileTypes() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("empty", "");
    out.put("a", "a");
    out.put(":::::", ":::::");
    out.put("4 parts", "process_cpu:cpu:nanoseconds:cpu");
    out.put("8 parts", "a:b:c:d:e:f:g:h");
    out.put("unknown", "nothing:here:at:all:really");
    out.put("1 MiB", "t".repeat(1 << 20));
    return out;
  }

  private Map<String, long[]> badRanges() {
    long hour = 3_600_000;
    long day = 24 * hour;
    Map<String, long[]> out = new LinkedHashMap<>();
    out.put("10 years", new long[] {now - 3650 * day, now});
    out.put("start after end", new long[] {now, now - hour});
    out.put("start = end", new long[] {now, now});
    out.put("-1", new long[] {-1, now});
    out.put("int64 min..max", new long[] {Long.MIN_VALUE, Long.MAX_VALUE});
    out.put("+-2^62", new long[] {-(1L << 62), 1L << 62});
    out.put("2^62 - 1s .. 2^62", new long[] {(1L << 62) - 1000, 1L << 62});
    out.put("0..0", new long[] {0, 0});
    out.put("0..now", new long[] {0, now});
    out.put("25 hours", new long[] {now - 25 * hour, now});
    out.put("beyond the lookback", new long[] {now - 9 * day, now - 8 * day});
    out.put("across the lookback", new long[] {now - 7 * day - hour, now - 6 * day});
    out.put("10 years ahead", new long[] {now + 3650 * day - hour, now + 3650 * day});
    out.put("seconds instead of ms", new long[] {now / 1000 - 3600, now / 1000});
    return out;
  }

  private static SelectMergeStacktracesRequest.Builder stacktraces(String type, String selector, long start, long end) {
    return SelectMergeStacktracesRequest.newBuilder().setProfileTypeID(type).setLabelSelector(selector).setStart(start).setEnd(end);
  }

  private static SelectMergeSpanProfileRequest.Builder span(String type, String selector, long start, long end) {
    return SelectMergeSpanProfileRequest.newBuilder().setProfileTypeID(type).setLabelSelector(selector).setStart(start).setEnd(end)
        .addSpanSelector(SPAN);
  }

  private static SelectSeriesRequest.Builder series(String type, String selector, long start, long end) {
    return SelectSeriesRequest.newBuilder().setProfileTypeID(type).setLabelSelector(selector).setStart(start).setEnd(end).setStep(15);
  }

  private void push(String service, Profile p) throws Exception {
    PushRequest req = PushRequest.newBuilder().addSeries(RawProfileSeries.newBuilder()
        .addLabels(LabelPair.newBuilder().setName("__name__").setValue("process_cpu"))
        .addLabels(LabelPair.newBuilder().setName("service_name").setValue(service))
        .addSamples(RawSample.newBuilder().setRawProfile(ByteString.copyFrom(p.toByteArray())))).build();
    HttpResponse<byte[]> r = server.post("/push.v1.PusherService/Push", "application/proto", req.toByteArray());
    assertThat(r.statusCode()).as(TestServer.text(r)).isEqualTo(200);
  }

  private long total() throws Exception {
    return server.connect(Q + "SelectMergeStacktraces", stacktraces(CPU, "{service_name=\"sweep\"}", now - 3_600_000, now + 60_000)
        .build(), SelectMergeStacktracesResponse.parser()).getFlamegraph().getTotal();
  }
}
