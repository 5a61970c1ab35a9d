package io.flarestack.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FleetTest {
  private static final long T = Instant.parse("2026-01-01T10:00:00Z").getEpochSecond() * 1_000_000_000L;
  private static final long MINUTE = 60_000_000_000L;

  @Test
  void wsHasTwentyServicesOfFivePodsWithEightJavaServices() {
    Fleet f = new Fleet(Workload.W_S, 1);
    assertThat(f.pods()).hasSize(100);
    assertThat(f.pods().stream().map(Fleet.Pod::serviceName).distinct()).hasSize(20);
    assertThat(f.pods().stream().filter(p -> p.language() == Fleet.Language.JAVA).map(Fleet.Pod::service).distinct())
        .containsExactlyInAnyOrder(1, 3, 6, 8, 11, 13, 16, 18);
    assertThat(f.pods().stream().filter(p -> p.serviceName().equals("svc-7")))
        .hasSize(5).allMatch(p -> p.language() == Fleet.Language.GO);
    assertThat(new Fleet(Workload.W_M, 1).pods()).hasSize(1000);
  }

  @Test
  void labelsAreTheReferenceSetAndDeterministic() {
    Fleet a = new Fleet(Workload.W_S, 1);
    Fleet b = new Fleet(Workload.W_S, 1);
    Fleet.Pod pod = a.pods().get(37);
    assertThat(a.labels(pod, T, 5).keySet()).containsExactly("cluster", "container", "namespace", "node", "pod",
        "region", "service_name", "version");
    assertThat(a.labels(pod, T, 5)).isEqualTo(b.labels(b.pods().get(37), T, 5));
    assertThat(a.labels(pod, T, 5).get("service_name")).isEqualTo("svc-7");
    assertThat(a.labels(pod, T, 5).get("pod")).startsWith("svc-7-");
    assertThat(new Fleet(Workload.W_S, 2).labels(pod, T, 5).get("pod")).isNotEqualTo(a.labels(pod, T, 5).get("pod"));
  }

  @Test
  void podNamesAreUniqueAndChangeOnlyWithADeployInWs() {
    Fleet f = new Fleet(Workload.W_S, 1);
    Set<String> names = new HashSet<>();
    for (Fleet.Pod p : f.pods()) {
      names.add(f.podName(p, T));
    }
    assertThat(names).hasSize(100);
    Fleet.Pod p = f.pods().get(0);
    assertThat(f.podName(p, T + 30 * MINUTE)).isEqualTo(f.podName(p, T));
    assertThat(f.podName(p, T + 6 * 60 * MINUTE)).isNotEqualTo(f.podName(p, T));
    assertThat(f.labels(p, T + 6 * 60 * MINUTE, 0).get("version")).isNotEqualTo(f.labels(p, T, 0).get("version"));
  }

  @Test
  void wcChurnsPodsEveryTenMinutesAndHasAtMostTenThousandRequestIdsPerHour() {
    Fleet f = new Fleet(Workload.W_C, 1);
    Fleet.Pod p = f.pods().get(0);
    assertThat(f.podName(p, T + 10 * MINUTE)).isNotEqualTo(f.podName(p, T));
    Set<String> ids = new HashSet<>();
    for (long seq = 0; seq < 50_000; seq++) {
      ids.add(f.labels(p, T, seq).get("request_id"));
    }
    // 50,000 draws from 10,000 values: all but ~0.7% appear, none beyond the limit.
    assertThat(ids.size()).isBetween(9_800, 10_000);
    assertThat(f.labels(p, T + 60 * MINUTE, 1).get("request_id")).isNotEqualTo(f.labels(p, T, 1).get("request_id"));
  }

  @Test
  void phasesSpreadPodsOverTheInterval() {
    Fleet f = new Fleet(Workload.W_S, 1);
    long interval = Workload.W_S.interval().toNanos();
    int[] quarters = new int[4];
    for (Fleet.Pod p : f.pods()) {
      long phase = f.phaseNanos(p);
      assertThat(phase).isBetween(0L, interval - 1);
      quarters[(int) (phase * 4 / interval)]++;
    }
    assertThat(java.util.Arrays.stream(quarters).boxed().toList()).allMatch(q -> q >= 10 && q <= 40);
  }

  @Test
  void workloadsByName() {
    assertThat(Workload.named("w-s")).isEqualTo(Workload.W_S);
    assertThat(Workload.named("WC")).isEqualTo(Workload.W_C);
    assertThat(Workload.named("W-M").pods()).isEqualTo(1000);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Workload.named("W-X"))
        .hasMessageContaining("W-X").hasMessageContaining("W-S");
  }
}
