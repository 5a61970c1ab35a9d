package io.flarestack.distributor.ingest.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.google.v1.Label;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.ingester.v1.ProfileSeries;
import io.flarestack.api.jfr.v1.Context;
import io.flarestack.api.jfr.v1.LabelsSnapshot;
import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.distributor.testing.RecordingWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.Event;
import jdk.jfr.Name;
import jdk.jfr.Recording;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Span and trace ids of async-profiler 4 events. No shared recording carries them, so the JDK
 * records events named and shaped like async-profiler's {@code jdk.ExecutionSample} (thread
 * state, {@code contextId}, {@code spanId}, {@code spanName}, {@code traceIdHi}/{@code Lo}) with
 * real stack traces of this test.
 */
class JfrSpanTest {
  private static final long SPAN = 0x1234L;
  private static final long OTHER_SPAN = -1L; // all bits set: ffffffffffffffff

  @TempDir
  static Path recordingDir;
  private static Path recording;

  @TempDir
  Path spill;
  private JfrFixture f;

  @Name("jdk.ExecutionSample")
  static final class Ap4Sample extends Event {
    String state;
    long contextId;
    long spanId;
    long spanName;
    long traceIdHi;
    long traceIdLo;
  }

  @BeforeAll
  static void record() throws Exception {
    recording = recordingDir.resolve("ap4.jfr");
    try (Recording r = new Recording()) {
      r.start();
      for (int i = 0; i < 3; i++) {
        sample(7, SPAN, 3, 0x0102030405060708L, 0x1112131415161718L); // one stack: 3 events merge
      }
      sample(7, OTHER_SPAN, 3, 0, 0);
      sample(0, 0, 0, 0, 0);
      r.stop();
      r.dump(recording);
    }
  }

  private static void sample(long context, long span, long spanName, long hi, long lo) {
    Ap4Sample s = new Ap4Sample();
    s.state = "STATE_DEFAULT";
    s.contextId = context;
    s.spanId = span;
    s.spanName = spanName;
    s.traceIdHi = hi;
    s.traceIdLo = lo;
    s.commit();
  }

  private static LabelsSnapshot labels() {
    return LabelsSnapshot.newBuilder()
        .putContexts(7, Context.newBuilder().putLabels(1, 2).build())
        .putStrings(1, "controller").putStrings(2, "slow").putStrings(3, "GET /orders")
        .build();
  }

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  @Test
  void converterLabelsSamplesWithProfileIdSpanNameAndTraceId() throws Exception {
    JfrConverter.Result r = JfrConverter.convert(recording, labels(), 100, 0, 0);

    assertThat(r.profiles()).hasSize(1);
    Profile p = r.profiles().get(0).profile();
    Map<Map<String, String>, Long> byLabels = new HashMap<>();
    for (Sample s : p.getSampleList()) {
      Map<String, String> labels = new TreeMap<>();
      for (Label l : s.getLabelList()) {
        labels.put(p.getStringTable((int) l.getKey()), p.getStringTable((int) l.getStr()));
      }
      byLabels.merge(labels, s.getValue(0), Long::sum);
    }
    assertThat(byLabels).containsOnly(
        Map.entry(Map.of("controller", "slow", "profile_id", "0000000000001234", "span_name", "GET /orders",
            "trace_id", "01020304050607081112131415161718"), 30_000_000L),
        Map.entry(Map.of("controller", "slow", "profile_id", "ffffffffffffffff", "span_name", "GET /orders"), 10_000_000L),
        Map.entry(Map.of(), 10_000_000L));
  }

  @Test
  void spansStayPerSampleAndSpanNameBecomesASeriesLabel() throws Exception {
    f = new JfrFixture(spill);
    byte[] labelsPart = SharedTestData.gzip(labels().toByteArray());

    HttpResponse r = f.postJfr("name=spans.app&spyName=javaspy&format=jfr", Files.readAllBytes(recording), labelsPart);

    assertThat(r.status()).as(JfrFixture.text(r)).isEqualTo(200);
    Map<String, Long> bySpan = new TreeMap<>();
    for (ProfileSeries s : f.writer.series()) {
      Map<String, String> series = RecordingWriter.labels(s);
      assertThat(series).doesNotContainKeys("span_id", "profile_id", "trace_id");
      Profile p = s.getProfiles(0).getProfile();
      for (Sample sample : p.getSampleList()) {
        String span = "";
        for (Label l : sample.getLabelList()) {
          assertThat(p.getStringTable((int) l.getKey())).isEqualTo("span_id");
          span = p.getStringTable((int) l.getStr());
        }
        bySpan.merge(series.getOrDefault("span_name", "") + "/" + series.getOrDefault("controller", "") + "/" + span,
            sample.getValue(0), Long::sum);
      }
    }
    assertThat(bySpan).containsExactlyInAnyOrderEntriesOf(Map.of(
        "GET /orders/slow/0000000000001234", 30_000_000L,
        "GET /orders/slow/ffffffffffffffff", 10_000_000L,
        "//", 10_000_000L));
  }
}
