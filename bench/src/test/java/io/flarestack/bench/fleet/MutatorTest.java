package io.flarestack.bench.fleet;

import static io.flarestack.common.testing.PprofFacts.total;
import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.common.limits.Limits;
import io.flarestack.common.model.Labels;
import io.flarestack.distributor.validation.ProfileValidator;
import io.flarestack.distributor.validation.ValidProfile;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MutatorTest {
  private static final Template GO_CPU = Template.goCpu();
  private static final long T = Instant.parse("2026-01-01T10:00:00Z").getEpochSecond() * 1_000_000_000L;
  private static final long INTERVAL = 15_000_000_000L;

  private static Profile parse(byte[] b) throws Exception {
    return Profile.parseFrom(b);
  }

  @Test
  void sameInputsGiveTheSameBytesAndAnotherSeedOthers() {
    byte[] a = new Mutator(7).upload(GO_CPU, 3, 42, T, INTERVAL);
    byte[] b = new Mutator(7).upload(GO_CPU, 3, 42, T, INTERVAL);
    byte[] c = new Mutator(8).upload(GO_CPU, 3, 42, T, INTERVAL);
    byte[] d = new Mutator(7).upload(GO_CPU, 3, 43, T, INTERVAL);
    assertThat(a).isEqualTo(b);
    assertThat(c).isNotEqualTo(a);
    assertThat(d).isNotEqualTo(a);
  }

  @Test
  void uploadIsAValidPprofThatTheDistributorAccepts() throws Exception {
    Profile p = parse(new Mutator(1).upload(GO_CPU, 3, 1, T, INTERVAL));
    ValidProfile v = ProfileValidator.validate(p, Limits.defaults(), Labels.of("service_name", "svc-3"), T);
    assertThat(v.timeNanos()).isEqualTo(T);
    assertThat(p.getTimeNanos()).isEqualTo(T);
    assertThat(p.getDurationNanos()).isEqualTo(INTERVAL);
    assertThat(p.getSampleTypeList()).isEqualTo(GO_CPU.profile().getSampleTypeList());
    Set<Long> locations = new HashSet<>();
    for (Location l : p.getLocationList()) {
      assertThat(locations.add(l.getId())).as("location id %d unique", l.getId()).isTrue();
    }
    for (Sample s : p.getSampleList()) {
      assertThat(locations).containsAll(s.getLocationIdList());
    }
  }

  @Test
  void keepsSeventyToNinetyFivePercentOfSamplesWithValuesAroundTheOriginal() throws Exception {
    int template = GO_CPU.profile().getSampleCount(); // 647 in the testdata README
    long templateTotal = total(GO_CPU.profile(), 0);
    for (long upload = 0; upload < 20; upload++) {
      Profile p = parse(new Mutator(1).upload(GO_CPU, 3, upload, T, INTERVAL));
      // keep fraction in [0.70, 0.95] plus binomial noise (sd ~ 11 samples): 0.6..1.0 is > 5 sd wide.
      assertThat(p.getSampleCount()).isBetween((int) (template * 0.6), template);
      assertThat(total(p, 0)).isBetween((long) (templateTotal * 0.5), (long) (templateTotal * 1.1));
      for (Sample s : p.getSampleList()) {
        assertThat(s.getValue(0)).isPositive();
        // cpu = samples x period in the template; the resampling keeps the ratio (rounded)
        assertThat(s.getValue(1)).isCloseTo(s.getValue(0) * 10_000_000L,
            org.assertj.core.data.Offset.offset(s.getValue(1) / 10 + 1));
      }
    }
  }

  @Test
  void renamesAboutHalfOfTheFunctionsPerService() throws Exception {
    Profile a = parse(new Mutator(1).upload(GO_CPU, 3, 1, T, INTERVAL));
    Profile b = parse(new Mutator(1).upload(GO_CPU, 4, 1, T, INTERVAL));
    int n = GO_CPU.profile().getFunctionCount();
    long renamedA = names(a).stream().filter(s -> s.startsWith("svc3/") && !s.contains("handlers.handle")).count();
    long renamedB = names(b).stream().filter(s -> s.startsWith("svc4/") && !s.contains("handlers.handle")).count();
    assertThat(renamedA).isBetween((long) (n * 0.4), (long) (n * 0.6));
    assertThat(renamedB).isBetween((long) (n * 0.4), (long) (n * 0.6));
    assertThat(names(a)).noneMatch(s -> s.startsWith("svc4/"));
  }

  @Test
  void aDeployMovesAboutThirtyPercentOfLocations() throws Exception {
    long sixHours = 6 * 3_600_000_000_000L;
    Profile before = parse(new Mutator(1).upload(GO_CPU, 3, 1, T, INTERVAL));
    Profile sameDeploy = parse(new Mutator(1).upload(GO_CPU, 3, 2, T + INTERVAL, INTERVAL));
    Profile after = parse(new Mutator(1).upload(GO_CPU, 3, 1, T + sixHours, INTERVAL));
    Map<Long, Location> b = byId(before);
    int moved = 0;
    int same = 0;
    for (Location l : GO_CPU.profile().getLocationList()) {
      assertThat(byId(sameDeploy).get(l.getId())).isEqualTo(b.get(l.getId()));
      if (byId(after).get(l.getId()).equals(b.get(l.getId()))) {
        same++;
      } else {
        moved++;
      }
    }
    int n = GO_CPU.profile().getLocationCount();
    // Moved relative to the previous deploy: locations moved in either deploy (30% each, independently).
    assertThat(moved).isBetween((int) (n * 0.3), (int) (n * 0.65));
    assertThat(same + moved).isEqualTo(n);
  }

  @Test
  void aboutOnePercentOfSamplesGetANewLeafFromAPoolPerService() throws Exception {
    long withNewLeaf = 0;
    long samples = 0;
    Set<String> leaves = new HashSet<>();
    for (long upload = 0; upload < 30; upload++) {
      Profile p = parse(new Mutator(1).upload(GO_CPU, 3, upload, T, INTERVAL));
      Map<Long, Location> locs = byId(p);
      Map<Long, Function> fns = new HashMap<>();
      p.getFunctionList().forEach(f -> fns.put(f.getId(), f));
      for (Sample s : p.getSampleList()) {
        samples++;
        Location leaf = locs.get(s.getLocationId(0));
        String name = p.getStringTable((int) fns.get(leaf.getLine(0).getFunctionId()).getName());
        if (name.startsWith("svc3/handlers.handle")) {
          withNewLeaf++;
          leaves.add(name);
        }
      }
    }
    assertThat(withNewLeaf).isBetween(samples / 200, samples / 50);
    assertThat(leaves).allMatch(s -> Integer.parseInt(s.substring("svc3/handlers.handle".length())) < 2000);
  }

  @Test
  void aHeapServiceUsesAQuarterOfTheTemplateAndOnlyTheSymbolsItReferences() throws Exception {
    Template heap = Template.goHeap();
    int template = heap.profile().getSampleCount(); // 11,951
    byte[] bytes = new Mutator(1).upload(heap, 2, 1, T, INTERVAL);
    Profile p = parse(bytes);
    ProfileValidator.validate(p, Limits.defaults(), Labels.of("service_name", "svc-2"), T);
    assertThat(p.getSampleCount()).isBetween((int) (template * 0.25 * 0.6), (int) (template * 0.25 * 1.1));
    assertThat(p.getSampleTypeList()).hasSize(4);
    Set<Long> referenced = new HashSet<>();
    p.getSampleList().forEach(s -> referenced.addAll(s.getLocationIdList()));
    // Locations of the service's quarter that this upload's 70-95% of samples do not use remain.
    assertThat(p.getLocationCount()).isLessThan(heap.profile().getLocationCount());
    assertThat((double) referenced.size() / p.getLocationCount()).isGreaterThan(0.7);
    assertThat(bytes.length).isLessThan(heap.profile().getSerializedSize() / 2);
    for (long i = 0; i < p.getStringTableCount(); i++) {
      assertThat(p.getStringTable((int) i)).isNotNull();
    }
  }

  private static Set<String> names(Profile p) {
    Set<String> out = new HashSet<>();
    for (Function f : p.getFunctionList()) {
      out.add(p.getStringTable((int) f.getName()));
    }
    return out;
  }

  private static Map<Long, Location> byId(Profile p) {
    Map<Long, Location> m = new HashMap<>();
    for (Location l : p.getLocationList()) {
      m.put(l.getId(), l);
    }
    return m;
  }
}
