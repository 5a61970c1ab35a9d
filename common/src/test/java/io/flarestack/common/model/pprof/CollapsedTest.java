package io.flarestack.common.model.pprof;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.common.testing.SharedTestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Compares with outputs of testdata/tools/pprof_summary.py committed under src/test/resources/pprof-collapsed. */
class CollapsedTest {
  @ParameterizedTest
  @CsvSource({
    "go/cpu-short.pb.gz, 0, go__cpu-short.pb.gz.0.txt",
    "go/cpu-short.pb.gz, 1, go__cpu-short.pb.gz.1.txt",
    "go/cpu.pb.gz, 1, go__cpu.pb.gz.1.txt",
    "captured/nodejs-0.6.4/heap-pprof.body, 1, captured__nodejs-0.6.4__heap-pprof.body.1.txt",
    "captured/nodejs-0.6.4/wall-cpu-pprof.body, 1, captured__nodejs-0.6.4__wall-cpu-pprof.body.1.txt",
    "pprof/pkg-pprof/malformed/no_addr_no_line.pb.gz, 0, pprof__pkg-pprof__malformed__no_addr_no_line.pb.gz.0.txt",
    "expected/jfr-pprof/dump1.jfr.gz.process_cpu_cpu_nanoseconds_cpu_nanoseconds.17241709254077376921.pb.gz, 0,"
        + " expected__jfr-pprof__dump1.process_cpu.all.0.txt"
  })
  void matchesTheReferenceTool(String file, int index, String expected) {
    assertThat(Collapsed.collapsed(SharedTestData.pprof(file), index))
        .containsExactlyElementsOf(ReferenceCollapsed.lines(expected));
  }
}
