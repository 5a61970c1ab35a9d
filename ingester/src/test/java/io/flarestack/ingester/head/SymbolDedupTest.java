package io.flarestack.ingester.head;

import static io.flarestack.ingester.testing.Requests.select;
import static io.flarestack.ingester.testing.Requests.series;
import static io.flarestack.ingester.testing.Requests.tree;
import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Line;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Mapping;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.common.model.Labels;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.ingester.query.HeadQuerier;
import io.flarestack.ingester.testing.Requests;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Memory follows distinct symbols and stacks: the same profile twice adds rows, not symbols. */
class SymbolDedupTest {
  private static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
  private final Head head = new Head(0, new SimpleMeterRegistry());
  private final Labels labels = Labels.of("__name__", "process_cpu", "service_name", "java-app");

  @Test
  void pushingTheSameProfileTwiceDoublesTotalsButNotSymbols() {
    Profile java = SharedTestData.pprof("java/cpu.pb.gz");
    head.append("t", Requests.push(series(labels, java)));
    TenantHead th = head.find("t");
    PartitionView first = th.partitions().iterator().next().view();

    Expected expected = Expected.of(java);
    assertThat(first.service()).isEqualTo("java-app");
    assertThat(first.functionCount()).isEqualTo(expected.functions);
    assertThat(first.locationCount()).isEqualTo(expected.locations);
    assertThat(first.mappingCount()).isEqualTo(expected.mappings);
    assertThat(first.stringCount()).isEqualTo(expected.strings);
    assertThat(first.stackNodeCount()).isEqualTo(expected.stackNodes + 1);

    Profile later = java.toBuilder().setTimeNanos(java.getTimeNanos() + 10_000_000_000L).build();
    head.append("t", Requests.push(series(labels, later)));
    PartitionView second = th.partitions().iterator().next().view();

    assertThat(th.partitions()).hasSize(1);
    assertThat(second.functionCount()).isEqualTo(first.functionCount());
    assertThat(second.locationCount()).isEqualTo(first.locationCount());
    assertThat(second.mappingCount()).isEqualTo(first.mappingCount());
    assertThat(second.stringCount()).isEqualTo(first.stringCount());
    assertThat(second.stackNodeCount()).isEqualTo(first.stackNodeCount());
    assertThat(th.seriesCount()).isEqualTo(1);
    assertThat(th.profileCount()).isEqualTo(2);
    long total = new HeadQuerier().mergeTree(th, tree(select("{}", CPU, 0, Long.MAX_VALUE), 0)).getTree()
        .getSelfList().stream().mapToLong(Long::longValue).sum();
    assertThat(total).isEqualTo(2 * PprofFacts.total(java, 0));
  }

  @Test
  void servicesGetSeparatePartitions() {
    Profile java = SharedTestData.pprof("java/cpu.pb.gz");
    head.append("t", Requests.push(series(labels, java),
        series(Labels.of("__name__", "process_cpu", "service_name", "other-app"), java)));

    List<String> services = new ArrayList<>();
    head.find("t").partitions().forEach(p -> services.add(p.service()));
    assertThat(services).containsExactlyInAnyOrder("java-app", "other-app");
  }

  /** Distinct symbols computed straight from the raw pprof, by content. */
  private record Expected(int functions, int locations, int mappings, int strings, int stackNodes) {
    static Expected of(Profile p) {
      Map<Long, Location> locs = new HashMap<>();
      p.getLocationList().forEach(l -> locs.put(l.getId(), l));
      Map<Long, Function> fns = new HashMap<>();
      p.getFunctionList().forEach(f -> fns.put(f.getId(), f));
      Map<Long, Mapping> maps = new HashMap<>();
      p.getMappingList().forEach(m -> maps.put(m.getId(), m));
      Set<List<Object>> functions = new HashSet<>();
      Set<List<Object>> locations = new HashSet<>();
      Set<List<Object>> mappings = new HashSet<>();
      Set<String> strings = new HashSet<>();
      Set<List<List<Object>>> prefixes = new HashSet<>();
      for (Sample s : p.getSampleList()) {
        List<List<Object>> path = new ArrayList<>();
        for (int i = s.getLocationIdCount() - 1; i >= 0; i--) {
          Location l = locs.get(s.getLocationId(i));
          List<Object> key = new ArrayList<>();
          if (l.getMappingId() != 0) {
            Mapping m = maps.get(l.getMappingId());
            List<Object> mk = List.of(m.getMemoryStart(), m.getMemoryLimit(), m.getFileOffset(),
                p.getStringTable((int) m.getFilename()), p.getStringTable((int) m.getBuildId()), m.getHasFunctions(),
                m.getHasFilenames(), m.getHasLineNumbers(), m.getHasInlineFrames());
            mappings.add(mk);
            strings.add(p.getStringTable((int) m.getFilename()));
            strings.add(p.getStringTable((int) m.getBuildId()));
            key.add(mk);
          }
          key.add(l.getAddress());
          key.add(l.getIsFolded());
          for (Line line : l.getLineList()) {
            Function f = fns.get(line.getFunctionId());
            List<Object> fk = List.of(p.getStringTable((int) f.getName()), p.getStringTable((int) f.getSystemName()),
                p.getStringTable((int) f.getFilename()), f.getStartLine());
            functions.add(fk);
            strings.add(p.getStringTable((int) f.getName()));
            strings.add(p.getStringTable((int) f.getSystemName()));
            strings.add(p.getStringTable((int) f.getFilename()));
            key.add(fk);
            key.add(line.getLine());
          }
          locations.add(key);
          path.add(key);
          prefixes.add(List.copyOf(path));
        }
      }
      return new Expected(functions.size(), locations.size(), mappings.size(), strings.size(), prefixes.size());
    }
  }
}
