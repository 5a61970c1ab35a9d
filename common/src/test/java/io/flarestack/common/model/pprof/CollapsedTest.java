package io.flarestack.common.model.pprof;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.common.testing.SharedTestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Compares with outputs of tools/pprof_summary.py committed under src/test/resources. */
class CollapsedTest {
  @ParameterizedTest
  @CsvSource({
    "pprof/og-convert-pprof/cpu.pb.gz, 0, og-convert-pprof__cpu.pb.gz.0.txt",
    "pprof/og-convert-pprof/cpu.pb.gz, 1, og-convert-pprof__cpu.pb.gz.1.txt",
    "pprof/og-convert-pprof/heap-js.pprof, 1, og-convert-pprof__heap-js.pprof.1.txt",
    "pprof/og-convert-pprof/nodejs-wall.pb.gz, 1, og-convert-pprof__nodejs-wall.pb.gz.1.txt",
    "pprof/pkg-pprof/go.cpu.labels.pprof, 1, pkg-pprof__go.cpu.labels.pprof.1.txt",
    "pprof/pkg-pprof/malformed/no_addr_no_line.pb.gz, 0, pkg-pprof__malformed__no_addr_no_line.pb.gz.0.txt",
    "expected/jfr-pprof/dump1.jfr.gz.process_cpu_cpu_nanoseconds_cpu_nanoseconds.17241709254077376921.pb.gz, 0,"
        + " expected__jfr-pprof__dump1.process_cpu.all.0.txt"
  })
  void matchesTheReferenceTool(String file, int index, String expected) {
    assertThat(Collapsed.collapsed(SharedTestData.pprof(file), index))
        .containsExactlyElementsOf(ReferenceCollapsed.lines(expected));
  }
}
