package io.flarestack.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerMetricsTest {
  @Test
  void sumsTheMetricsItReportsAndIgnoresLookalikes() {
    String text = """
        # HELP process_cpu_seconds_total The total CPU time.
        # TYPE process_cpu_seconds_total counter
        process_cpu_seconds_total 12.5
        process_cpu_seconds_total_other 99
        pyroscope_head_size_bytes{tenant="a",type="profiles"} 1000.0
        pyroscope_head_size_bytes{tenant="a",type="stacktraces"} 24.0
        pyroscope_head_samples{tenant="a"} 100
        pyroscope_head_samples{tenant="b"} 30
        pyroscope_head_profiles{tenant="a"} 4
        pyroscope_tsdb_head_series{tenant="a"} 2
        jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1048576.0
        jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 2097152.0
        jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 5.0E7
        """;
    ServerMetrics m = ServerMetrics.parse(text);
    assertThat(m.cpuSeconds()).isEqualTo(12.5);
    assertThat(m.headBytes()).isEqualTo(1024.0);
    assertThat(m.headSamples()).isEqualTo(130.0);
    assertThat(m.headProfiles()).isEqualTo(4.0);
    assertThat(m.series()).isEqualTo(2.0);
    assertThat(m.heapUsed()).isEqualTo(3 * 1048576.0);
  }

  @Test
  void missingMetricsAreNaN() {
    ServerMetrics m = ServerMetrics.parse("up 1\n");
    assertThat(m.cpuSeconds()).isNaN();
    assertThat(m.headSamples()).isNaN();
  }
}
