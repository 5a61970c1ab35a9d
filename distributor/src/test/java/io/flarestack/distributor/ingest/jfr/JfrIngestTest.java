package io.flarestack.distributor.ingest.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.google.v1.Label;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.ingester.v1.ProfileSeries;
import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.distributor.testing.RecordingWriter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JFR uploads through {@code /ingest} into the distributor: what the captured pyroscope-java
 * 2.9.2 requests and the Pyroscope test recordings turn into (profile types, series labels,
 * totals known from the recordings), and that the spill file is always removed.
 */
class JfrIngestTest {
  private static final String AGENT = "captured/java-agent-2.9.2/";

  @TempDir
  Path spill;
  private JfrFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  @Test
  void agentUploadWithDynamicLabelsSplitsCpuByController() throws Exception {
    f = new JfrFixture(spill);

    HttpResponse r = f.replay("jfr-cpu-alloc-lock-with-labels");

    assertThat(r.status()).as(JfrFixture.text(r)).isEqualTo(200);
    assertThat(f.profileTypes()).containsExactlyInAnyOrder("process_cpu:cpu:nanoseconds:cpu:nanoseconds",
        "memory:alloc_in_new_tlab_objects:count:space:bytes", "memory:alloc_in_new_tlab_bytes:bytes:space:bytes");
    for (ProfileSeries s : f.writer.series()) {
      assertThat(RecordingWriter.labels(s)).containsEntry("service_name", "labeled.app")
          .containsEntry("pyroscope_spy", "javaspy").containsEntry("jfr_event", "cpu").containsEntry("__delta__", "false")
          .containsEntry("otel.scope.name", "com.grafana.pyroscope/java").containsEntry("otel.scope.version", "2.9.2")
          .containsEntry("process.runtime.version", "17.0.15+6-Debian-1deb12u1").doesNotContainKey("app_name");
    }
    // testdata README: 411 / 35 / 27 ExecutionSamples of 10 ms by context
    assertThat(f.total("process_cpu", "cpu", l -> "slow_controller".equals(l.get("controller")))).isEqualTo(4_110_000_000L);
    assertThat(f.total("process_cpu", "cpu",
        l -> "fast_controller".equals(l.get("controller")) && "x1".equals(l.get("extra")))).isEqualTo(350_000_000L);
    assertThat(f.total("process_cpu", "cpu", l -> !l.containsKey("controller"))).isEqualTo(270_000_000L);
    assertThat(f.total("memory", "alloc_in_new_tlab_objects", l -> true)).isEqualTo(16_949L);
    assertThat(f.writer.writes()).allSatisfy(w -> assertThat(w.tenant()).isEqualTo("anonymous"));
    assertThat(f.spilled()).isEmpty();
  }

  @Test
  void agentUploadWithStaticLabelsHasCpuAllocAndMutex() throws Exception {
    f = new JfrFixture(spill);

    HttpResponse r = f.replay("jfr-itimer-alloc-lock-static-labels");

    assertThat(r.status()).as(JfrFixture.text(r)).isEqualTo(200);
    assertThat(f.profileTypes()).containsExactlyInAnyOrder("process_cpu:cpu:nanoseconds:cpu:nanoseconds",
        "memory:alloc_in_new_tlab_objects:count:space:bytes", "memory:alloc_in_new_tlab_bytes:bytes:space:bytes",
        "mutex:contentions:count:mutex:count", "mutex:delay:nanoseconds:mutex:count");
    for (ProfileSeries s : f.writer.series()) {
      assertThat(RecordingWriter.labels(s)).containsEntry("env", "test").containsEntry("region", "local")
          .containsEntry("jfr_event", "itimer").containsEntry("service_name", "burn.app");
    }
    // README: ExecutionSample 335, ObjectAllocationInNewTLAB 6766, JavaMonitorEnter 46
    assertThat(f.total("process_cpu", "cpu", l -> true)).isEqualTo(3_350_000_000L);
    assertThat(f.total("memory", "alloc_in_new_tlab_objects", l -> true)).isEqualTo(6_766L);
    assertThat(f.total("mutex", "contentions", l -> true)).isEqualTo(46L);
    assertThat(f.total("mutex", "delay", l -> true)).isPositive();
  }

  @Test
  void jdkFlightRecorderUploadHasNoJfrEventLabel() throws Exception {
    f = new JfrFixture(spill);

    HttpResponse r = f.replay("jfr-jdk-profiler-cpu");

    assertThat(r.status()).as(JfrFixture.text(r)).isEqualTo(200);
    assertThat(f.profileTypes()).containsExactly("process_cpu:cpu:nanoseconds:cpu:nanoseconds");
    assertThat(f.writer.series()).allSatisfy(s -> assertThat(RecordingWriter.labels(s)).doesNotContainKey("jfr_event"));
    assertThat(f.total("process_cpu", "cpu", l -> true)).isEqualTo(3_640_000_000L); // 364 samples, all RUNNABLE
  }

  @Test
  void bareBodiesGzippedOrNotAndTheSampleRateScale() throws Exception {
    f = new JfrFixture(spill);
    byte[] gz = SharedTestData.bytes("jfr/cortex-dev-01__kafka-0__cpu__0.jfr.gz");

    assertThat(f.post("name=bare.gz&format=jfr", gz, "Content-Type", "application/octet-stream").status()).isEqualTo(200);
    assertThat(f.post("name=bare.raw&format=jfr&sampleRate=50", SharedTestData.gunzipIfNeeded(gz)).status()).isEqualTo(200);

    // 478 ExecutionSamples: 10 ms each at the default 100 Hz, 20 ms at 50 Hz
    assertThat(f.total("process_cpu", "cpu", l -> l.get("service_name").equals("bare.gz"))).isEqualTo(4_780_000_000L);
    assertThat(f.total("process_cpu", "cpu", l -> l.get("service_name").equals("bare.raw"))).isEqualTo(9_560_000_000L);
    Profile p = f.writer.series().get(0).getProfiles(0).getProfile();
    assertThat(p.getPeriod()).isEqualTo(10_000_000L);
  }

  @Test
  void nameLabelsAndServiceNameMoveTheAppNameToAppName() throws Exception {
    f = new JfrFixture(spill);
    byte[] gz = SharedTestData.bytes("jfr/cortex-dev-01__kafka-0__cpu__0.jfr.gz");

    HttpResponse r = f.postJfr("name=kafka.app%7Bservice_name%3Dkafka,env%3Dprod%7D&spyName=javaspy&format=jfr"
        + "&from=now-10s&until=now", gz, null);

    assertThat(r.status()).as(JfrFixture.text(r)).isEqualTo(200);
    ProfileSeries s = f.writer.series().get(0);
    assertThat(RecordingWriter.labels(s)).containsExactlyInAnyOrderEntriesOf(Map.of("__name__", "process_cpu",
        "service_name", "kafka", "app_name", "kafka.app", "env", "prod", "pyroscope_spy", "javaspy",
        "jfr_event", "cpu", "__delta__", "false"));
    Profile p = s.getProfiles(0).getProfile();
    long now = f.clock.nanos();
    assertThat(p.getTimeNanos()).isEqualTo(now - 10_000_000_000L);
    assertThat(p.getDurationNanos()).isEqualTo(10_000_000_000L);
  }

  @Test
  void wallRecordingWithThreadLabelsAndProfileIdsKeepsSpansPerSample() throws Exception {
    f = new JfrFixture(spill);

    HttpResponse r = f.postJfr("name=dump2&spyName=javaspy&format=jfr", SharedTestData.bytes("jfr/dump2.jfr.gz"),
        SharedTestData.bytes("jfr/dump2.labels.pb.gz"));

    assertThat(r.status()).as(JfrFixture.text(r)).isEqualTo(200);
    assertThat(f.profileTypes()).containsExactlyInAnyOrder("wall:wall:nanoseconds:wall:nanoseconds",
        "process_cpu:cpu:nanoseconds:cpu:nanoseconds", "memory:alloc_in_new_tlab_objects:count:space:bytes",
        "memory:alloc_in_new_tlab_bytes:bytes:space:bytes", "memory:live:count:objects:count");
    // README: 14723 samples for wall, the 3358 RUNNABLE ones for process_cpu, 4 live objects
    assertThat(f.total("wall", "wall", l -> true)).isEqualTo(147_230_000_000L);
    assertThat(f.total("process_cpu", "cpu", l -> true)).isEqualTo(33_580_000_000L);
    assertThat(f.total("memory", "live", l -> true)).isEqualTo(4L);
    Set<String> threads = new HashSet<>();
    int withSpan = 0;
    for (ProfileSeries s : f.writer.series()) {
      Map<String, String> labels = RecordingWriter.labels(s);
      assertThat(labels).doesNotContainKeys("profile_id", "span_id");
      threads.add(labels.getOrDefault("thread_name", ""));
      Profile p = s.getProfiles(0).getProfile();
      for (Sample sample : p.getSampleList()) {
        for (Label l : sample.getLabelList()) {
          assertThat(p.getStringTable((int) l.getKey())).isEqualTo("span_id");
          assertThat(p.getStringTable((int) l.getStr())).matches("[0-9a-f]{16}");
          withSpan++;
        }
      }
    }
    assertThat(threads).contains("", "pool-2-thread-1", "pool-2-thread-8");
    assertThat(withSpan).isPositive();
  }

  @Test
  void metricsCountTheUploadAsJfrAndItsParseTime() throws Exception {
    f = new JfrFixture(spill);
    byte[] gz = SharedTestData.bytes("jfr/cortex-dev-01__kafka-0__cpu__1.jfr.gz");
    byte[] body = io.flarestack.distributor.testing.HttpRequests.multipart(JfrFixture.BOUNDARY,
        new Object[] {"jfr", "jfr", gz});

    assertThat(f.post("name=m&format=jfr", body, "Content-Type", JfrFixture.MULTIPART).status()).isEqualTo(200);

    DistributionSummary received = f.registry.find("pyroscope.distributor.received.compressed")
        .tags("type", "jfr", "tenant", "anonymous").summary();
    assertThat(received).isNotNull();
    assertThat(received.count()).isEqualTo(1);
    assertThat(received.totalAmount()).isEqualTo(body.length);
    Timer parse = f.registry.find("pyroscope.distributor.parse.duration").tags("type", "jfr", "tenant", "anonymous")
        .timer();
    assertThat(parse).isNotNull();
    assertThat(parse.count()).isEqualTo(1);
  }
}
