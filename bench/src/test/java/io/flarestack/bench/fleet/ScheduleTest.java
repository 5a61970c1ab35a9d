package io.flarestack.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  private static final long T = Instant.parse("2026-01-01T10:00:00Z").getEpochSecond() * 1_000_000_000L;
  private static final long SECOND = 1_000_000_000L;

  private static List<Planned> all(Schedule s) {
    List<Planned> out = new ArrayList<>();
    s.forEach(out::add);
    return out;
  }

  @Test
  void oneMinuteOfWsIsFourRoundsOfEveryPodsKinds() {
    Fleet f = new Fleet(Workload.W_S, 1);
    List<Planned> p = all(new Schedule(f, T, T + 60 * SECOND, false, Set.of(), Set.of()));
    // 60 Go pods x (cpu + heap) + 40 Java pods x 1, four 15 s rounds
    assertThat(p).hasSize(4 * (60 * 2 + 40));
    assertThat(p).allMatch(x -> x.timeNanos() >= T && x.timeNanos() < T + 60 * SECOND);
    for (int i = 1; i < p.size(); i++) {
      assertThat(p.get(i).timeNanos()).isGreaterThanOrEqualTo(p.get(i - 1).timeNanos());
      assertThat(p.get(i).seq()).isEqualTo(i);
    }
    assertThat(p).filteredOn(x -> x.pod().language() == Fleet.Language.JAVA).allMatch(x -> x.kind() == Kind.JAVA_CPU);
  }

  @Test
  void eachPodUploadsEachKindExactlyOncePerInterval() {
    Fleet f = new Fleet(Workload.W_S, 1);
    Map<String, List<Long>> times = new HashMap<>();
    for (Planned x : new Schedule(f, T, T + 120 * SECOND, true, Set.of(), Set.of())) {
      times.computeIfAbsent(x.pod().id() + "/" + x.kind(), k -> new ArrayList<>()).add(x.timeNanos());
    }
    assertThat(times).hasSize(60 * 2 + 40);
    for (List<Long> t : times.values()) {
      assertThat(t).hasSize(8);
      for (int i = 1; i < t.size(); i++) {
        assertThat(t.get(i) - t.get(i - 1)).isEqualTo(15 * SECOND);
      }
    }
    assertThat(times.keySet()).anyMatch(k -> k.endsWith("JAVA_JFR")).noneMatch(k -> k.endsWith("JAVA_CPU"));
  }

  @Test
  void filtersByServiceAndKindAndIsDeterministic() {
    Fleet f = new Fleet(Workload.W_S, 1);
    List<Planned> p = all(new Schedule(f, T - 3600 * SECOND, T, false, Set.of(Kind.GO_CPU), Set.of("svc-7")));
    assertThat(p).hasSize(5 * 240).allMatch(x -> x.kind() == Kind.GO_CPU && x.pod().serviceName().equals("svc-7"));
    assertThat(all(new Schedule(new Fleet(Workload.W_S, 1), T - 3600 * SECOND, T, false, Set.of(Kind.GO_CPU),
        Set.of("svc-7")))).isEqualTo(p);
  }

  @Test
  void uploadsAreMadeFromTheRealTemplates() throws Exception {
    Fleet f = new Fleet(Workload.W_S, 1);
    Uploads u = Uploads.fromTestData(f);
    for (Planned x : new Schedule(f, T, T + 15 * SECOND, true, Set.of(), Set.of("svc-7", "svc-8"))) {
      Upload up = u.make(x);
      assertThat(up.body()[0]).isEqualTo((byte) 0x1f);
      assertThat(up.labels().get("service_name")).isEqualTo(x.pod().serviceName());
      if (x.kind() == Kind.JAVA_JFR) {
        assertThat(Uploads.JFR_FILES).anyMatch(file -> java.util.Arrays.equals(TestData.bytes(file), up.body()));
        continue;
      }
      var p = io.flarestack.api.google.v1.Profile.parseFrom(
          new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(up.body())).readAllBytes());
      assertThat(p.getTimeNanos()).isEqualTo(x.timeNanos());
      assertThat(up.rawBytes()).isEqualTo(p.getSerializedSize());
      assertThat(up.metricName()).isEqualTo(x.kind() == Kind.GO_HEAP ? "memory" : "process_cpu");
      assertThat(u.make(x).body()).isEqualTo(up.body());
    }
  }
}
