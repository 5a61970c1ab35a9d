package io.flarestack.distributor.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.testing.SharedTestData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleTypeConfigTest {
  @Test
  void defaultsFollowPyroscopesLegacyMapping() {
    SampleTypeConfig d = SampleTypeConfig.DEFAULT;
    assertThat(d.metricName(List.of("samples", "cpu"))).isEqualTo("process_cpu");
    assertThat(d.metricName(List.of("alloc_objects", "alloc_space", "inuse_objects", "inuse_space"))).isEqualTo("memory");
    assertThat(d.metricName(List.of("objects", "space"))).isEqualTo("memory");
    assertThat(d.metricName(List.of("sample", "wall"))).isEqualTo("wall");
    assertThat(d.metricName(List.of("goroutine"))).isEqualTo("goroutines");
    assertThat(d.metricName(List.of("contentions", "delay"))).isEqualTo("mutex");
    assertThat(d.metricName(List.of("exception"))).as("no rule matches: the name itself").isEqualTo("exception");
    assertThat(d.metricName(List.of())).isEmpty();
  }

  @Test
  void uploadedConfigRenamesSampleTypes() {
    SampleTypeConfig block = SampleTypeConfig.parse(SharedTestData.bytes("pprof/og-convert-pprof/req_3.st.json"));
    assertThat(block.metricName(List.of("contentions", "delay"))).isEqualTo("block");
    SampleTypeConfig goroutines = SampleTypeConfig.parse(SharedTestData.bytes("pprof/og-convert-pprof/req_2.st.json"));
    assertThat(goroutines.metricName(List.of("goroutine"))).isEqualTo("goroutines");
    SampleTypeConfig dotnet = SampleTypeConfig.parse(SharedTestData.bytes("pprof/og-convert-pprof/dotnet-pprof-3.st.json"));
    assertThat(dotnet.has("inuse-space")).isEqualTo(
        new String(SharedTestData.bytes("pprof/og-convert-pprof/dotnet-pprof-3.st.json"), StandardCharsets.UTF_8)
            .contains("\"inuse-space\""));
  }

  @Test
  void invalidJsonIsRejected() {
    assertThatThrownBy(() -> SampleTypeConfig.parse("[1,2]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(FlarestackException.class).hasMessageContaining("expected a JSON object");
    assertThatThrownBy(() -> SampleTypeConfig.parse("{\"a\":".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(FlarestackException.class).hasMessageStartingWith("invalid sample_type_config:");
  }
}
