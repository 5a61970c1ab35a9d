package io.flarestack.distributor;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.ingester.v1.ProfileSeries;
import io.flarestack.common.limits.Limits;
import io.flarestack.common.limits.TenantLimits;
import io.flarestack.common.testing.ManualClock;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.distributor.testing.Pushes;
import io.flarestack.distributor.testing.RecordingWriter;
import io.flarestack.distributor.testing.TestScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every pprof of the test data through Push: the written series carry the profile name
 * and service, the profile types Pyroscope's ingestion test expects (testdata README), and the
 * same per-type totals and collapsed stacks as the input.
 */
class DistributorTestdataTest {
  private static final String P = "pprof/pkg-pprof/";
  private static final String O = "pprof/og-convert-pprof/";
  private static final List<String> HEAP = List.of("memory:alloc_objects:count:space:bytes",
      "memory:alloc_space:bytes:space:bytes", "memory:inuse_objects:count:space:bytes",
      "memory:inuse_space:bytes:space:bytes");
  private static final List<String> GO_CPU = List.of("process_cpu:samples:count:cpu:nanoseconds",
      "process_cpu:cpu:nanoseconds:cpu:nanoseconds");

  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-24T01:00:00Z"));
  private final RecordingWriter writer = new RecordingWriter();
  private Distributor distributor;

  @BeforeEach
  void start() throws Exception {
    distributor = new Distributor(DistributorConfig.defaults(), TenantLimits.fixed(Limits.defaults()), writer, clock,
        TestScheduler.INSTANCE, new SimpleMeterRegistry());
    distributor.start();
  }

  @AfterEach
  void stop() {
    distributor.stop();
  }

  static Stream<Arguments> files() {
    return Stream.of(
        // file, __name__, profile types Pyroscope's test expects (null: read them from the input)
        Arguments.of(P + "heap", "memory", HEAP),
        Arguments.of(P + "heap_delta", "memory", HEAP),
        Arguments.of(O + "heap.pb", "memory", HEAP),
        Arguments.of(O + "heap.pb.gz", "memory", HEAP),
        Arguments.of(P + "profile_java", "process_cpu", List.of("process_cpu:cpu:nanoseconds:cpu:nanoseconds")),
        Arguments.of(P + "go.cpu.labels.pprof", "process_cpu", GO_CPU),
        Arguments.of(O + "cpu.pb.gz", "process_cpu", GO_CPU),
        Arguments.of(O + "cpu-exemplars.pb.gz", "process_cpu", GO_CPU),
        Arguments.of(O + "cpu-js.pb.gz", "wall",
            List.of("wall:sample:count:wall:microseconds", "wall:wall:microseconds:wall:microseconds")),
        Arguments.of(O + "heap-js.pprof", "memory",
            List.of("memory:objects:count:space:bytes", "memory:space:bytes:space:bytes")),
        Arguments.of(O + "nodejs-heap.pb.gz", "memory",
            List.of("memory:inuse_objects:count:inuse_space:bytes", "memory:inuse_space:bytes:inuse_space:bytes")),
        Arguments.of(O + "nodejs-wall.pb.gz", "wall",
            List.of("wall:samples:count:wall:microseconds", "wall:wall:microseconds:wall:microseconds")),
        Arguments.of(O + "req_2.pprof", "goroutines", List.of("goroutines:goroutine:count:goroutine:count")),
        Arguments.of(O + "req_3.pprof", "block",
            List.of("block:contentions:count:contentions:count", "block:delay:nanoseconds:contentions:count")),
        Arguments.of(O + "req_4.pprof", "mutex",
            List.of("mutex:contentions:count:contentions:count", "mutex:delay:nanoseconds:contentions:count")),
        Arguments.of(O + "req_5.pprof", "memory", HEAP),
        Arguments.of(O + "pyspy-1.pb.gz", "process_cpu", List.of("process_cpu:samples:count::milliseconds")),
        Arguments.of(O + "dotnet-pprof-211.pb.gz", "process_cpu", List.of("process_cpu:cpu:nanoseconds::nanoseconds",
            "process_cpu:exception:count::nanoseconds", "process_cpu:alloc_samples:count::nanoseconds",
            "process_cpu:alloc_size:bytes::nanoseconds", "process_cpu:lock_count:count::nanoseconds",
            "process_cpu:lock_time:nanoseconds::nanoseconds")),
        Arguments.of(P + "profile_nodejs", "wall", null),
        Arguments.of(P + "profile_python", "process_cpu", null),
        Arguments.of(P + "profile_ruby", "process_cpu", null),
        Arguments.of(P + "profile_rust", "process_cpu", null),
        Arguments.of(P + "dotnet.labels.pprof", "process_cpu", null),
        Arguments.of(P + "single_group_with_optional_span_id.pb.gz", "process_cpu", GO_CPU),
        Arguments.of(P + "malformed/no_addr_no_line.pb.gz", "process_cpu", null),
        Arguments.of(P + "gotruncatefix/cpu_go_truncated_1.pb.gz", "process_cpu", GO_CPU),
        Arguments.of(P + "gotruncatefix/cpu_go_truncated_1.pb.gz.fixed", "process_cpu", GO_CPU),
        // the project's own profiles (testdata/tools) and the Node.js SDK's captured uploads
        Arguments.of("go/cpu.pb.gz", "process_cpu", GO_CPU),
        Arguments.of("go/cpu-after.pb.gz", "process_cpu", GO_CPU),
        Arguments.of("go/cpu-short.pb.gz", "process_cpu", GO_CPU),
        Arguments.of("go/heap.pb.gz", "memory", HEAP),
        Arguments.of("go/heap.pb", "memory", HEAP),
        Arguments.of("java/cpu.pb.gz", "process_cpu", List.of("process_cpu:cpu:nanoseconds:cpu:nanoseconds")),
        Arguments.of("captured/nodejs-0.6.4/wall-cpu-pprof.body", "wall", null),
        Arguments.of("captured/nodejs-0.6.4/heap-pprof.body", "memory", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void pushKeepsEveryTypeAndTotal(String file, String name, List<String> expectedTypes) {
    byte[] original = SharedTestData.bytes(file);
    byte[] raw = PprofFacts.withTime(original, clock.nanos() - 60_000_000_000L);
    byte[] body = original[0] == (byte) 0x1f ? SharedTestData.gzip(raw) : raw;
    Profile input = PprofFacts.parse(raw);

    distributor.push("tenant-a", Pushes.request(Pushes.labels("__name__", name, "service_name", "svc"), body));

    List<ProfileSeries> series = writer.series();
    assertThat(series).isNotEmpty();
    assertThat(writer.writes()).allSatisfy(w -> assertThat(w.tenant()).isEqualTo("tenant-a"));
    Set<String> types = new HashSet<>();
    Map<String, Long> totals = new LinkedHashMap<>();
    Map<String, Long> collapsedFirst = new TreeMap<>();
    Map<String, Long> collapsedLast = new TreeMap<>();
    int last = input.getSampleTypeCount() - 1;
    for (ProfileSeries s : series) {
      Map<String, String> labels = RecordingWriter.labels(s);
      assertThat(labels).containsEntry("__name__", name).containsEntry("service_name", "svc");
      assertThat(s.getProfilesCount()).isEqualTo(1);
      Profile p = s.getProfiles(0).getProfile();
      assertThat(p.getTimeNanos()).isEqualTo(input.getTimeNanos());
      types.addAll(PprofFacts.profileTypes(name, p));
      PprofFacts.totals(p).forEach((k, v) -> totals.merge(k, v, Long::sum));
      PprofFacts.collapsed(p, 0).forEach((k, v) -> collapsedFirst.merge(k, v, Long::sum));
      PprofFacts.collapsed(p, last).forEach((k, v) -> collapsedLast.merge(k, v, Long::sum));
    }
    List<String> expected = expectedTypes != null ? expectedTypes : PprofFacts.profileTypes(name, input);
    assertThat(types).containsExactlyInAnyOrderElementsOf(PprofFacts.profileTypes(name, input));
    assertThat(types).containsAll(expected);
    assertThat(totals).isEqualTo(PprofFacts.totals(input));
    assertThat(collapsedFirst).isEqualTo(PprofFacts.collapsed(input, 0));
    assertThat(collapsedLast).isEqualTo(PprofFacts.collapsed(input, last));
  }
}
