package io.flarestack.common.model.pprof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Label;
import io.flarestack.api.google.v1.Line;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Mapping;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.google.v1.ValueType;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PprofMergerTest {
  private static final String CPU0 =
      "expected/jfr-pprof/cortex-dev-01__kafka-0__cpu__0.jfr.gz.process_cpu_cpu_nanoseconds_cpu_nanoseconds.17241709254077376921.pb.gz";
  private static final String CPU1 =
      "expected/jfr-pprof/cortex-dev-01__kafka-0__cpu__1.jfr.gz.process_cpu_cpu_nanoseconds_cpu_nanoseconds.17241709254077376921.pb.gz";
  private static final String DUMP1_THREAD =
      "expected/jfr-pprof/dump1.jfr.gz.process_cpu_cpu_nanoseconds_cpu_nanoseconds.%s.pb.gz";

  @ParameterizedTest
  @CsvSource({
    "go/cpu-short.pb.gz, 0, go__cpu-short.pb.gz.0.txt",
    "go/cpu-short.pb.gz, 1, go__cpu-short.pb.gz.1.txt",
    "go/cpu.pb.gz, 1, go__cpu.pb.gz.1.txt",
    "captured/nodejs-0.6.4/heap-pprof.body, 1, captured__nodejs-0.6.4__heap-pprof.body.1.txt",
    "captured/nodejs-0.6.4/wall-cpu-pprof.body, 1, captured__nodejs-0.6.4__wall-cpu-pprof.body.1.txt",
    "expected/jfr-pprof/dump1.jfr.gz.process_cpu_cpu_nanoseconds_cpu_nanoseconds.17241709254077376921.pb.gz, 0,"
        + " expected__jfr-pprof__dump1.process_cpu.all.0.txt"
  })
  void mergingAProfileWithItselfDoublesEveryStack(String file, int index, String expected) {
    Profile p = SharedTestData.pprof(file);
    Profile merged = PprofMerger.merge(List.of(p, p));
    Map<String, Long> doubled = new HashMap<>();
    ReferenceCollapsed.toMap(ReferenceCollapsed.lines(expected)).forEach((k, v) -> doubled.put(k, 2 * v));
    assertThat(ReferenceCollapsed.toMap(Collapsed.collapsed(merged, index))).isEqualTo(doubled);
    assertValid(merged);
    // Identical samples collapse: twice the input never has more samples than the input alone.
    assertThat(merged.getSampleCount()).isEqualTo(PprofMerger.merge(List.of(p)).getSampleCount());
    assertThat(merged.getSampleCount()).isLessThanOrEqualTo(p.getSampleCount());
  }

  @Test
  void mergingTwoProfilesSumsTheirStacks() {
    Profile a = SharedTestData.pprof(CPU0);
    Profile b = SharedTestData.pprof(CPU1);
    Map<String, Long> expected = new HashMap<>(ReferenceCollapsed.toMap(Collapsed.collapsed(a, 0)));
    ReferenceCollapsed.toMap(Collapsed.collapsed(b, 0)).forEach((k, v) -> expected.merge(k, v, Long::sum));
    Profile merged = PprofMerger.merge(List.of(a, b));
    assertThat(ReferenceCollapsed.toMap(Collapsed.collapsed(merged, 0))).isEqualTo(expected);
    // README totals: 4.78 s + 6.13 s.
    assertThat(PprofFacts.total(merged, 0)).isEqualTo(4_780_000_000L + 6_130_000_000L);
    assertValid(merged);
    assertThat(merged.getStringTable((int) merged.getSampleType(0).getType())).isEqualTo("cpu");
    assertThat(merged.getStringTable((int) merged.getSampleType(0).getUnit())).isEqualTo("nanoseconds");
    assertThat(merged.getPeriod()).isEqualTo(Math.max(a.getPeriod(), b.getPeriod()));
  }

  @Test
  void mergingPerThreadProfilesGivesTheSumOfTheirTotals() {
    // dump1 threads 1, 3, 5, 7: 4.71 s + 1.68 s + 1.04 s + 2.15 s (README).
    PprofMerger m = new PprofMerger();
    for (String hash : List.of("2539015855607244867", "5571933481434853072", "16370823494798218517", "15666661103234080825")) {
      m.add(SharedTestData.pprof(String.format(DUMP1_THREAD, hash)));
    }
    Profile merged = m.build();
    assertThat(PprofFacts.total(merged, 0)).isEqualTo(9_580_000_000L);
    assertValid(merged);
  }

  @Test
  void serialisedOutputParsesBack() {
    Profile merged = PprofMerger.merge(List.of(SharedTestData.pprof(CPU0), SharedTestData.pprof(CPU1)));
    Profile back = PprofReader.parse(merged.toByteArray(), 64L << 20);
    assertThat(back).isEqualTo(merged);
  }

  @Test
  void deduplicatesByContentNotById() {
    // Two profiles with the same single stack main -> work but different, sparse ids and string
    // table orders.
    Profile a = stackProfile(new String[] {"", "cpu", "nanoseconds", "main", "work"}, 10, 20, 7, 8, 5);
    Profile b = stackProfile(new String[] {"", "work", "main", "nanoseconds", "cpu"}, 3, 1, 99, 98, 7);
    Profile merged = PprofMerger.merge(List.of(a, b));
    assertThat(merged.getSampleCount()).isEqualTo(1);
    assertThat(merged.getSample(0).getValueList()).containsExactly(12L);
    assertThat(merged.getLocationCount()).isEqualTo(2);
    assertThat(merged.getFunctionCount()).isEqualTo(2);
    assertThat(merged.getMappingCount()).isEqualTo(1);
    assertThat(Collapsed.collapsed(merged, 0)).containsExactly("main;work 12");
    assertValid(merged);
  }

  @Test
  void samplesWithTheSameLabelsInAnotherOrderAreSummedOthersKeptApart() {
    Profile base = stackProfile(new String[] {"", "cpu", "nanoseconds", "main", "work", "k1", "v1", "k2", "v2"}, 1, 2, 3, 4, 5);
    Sample s = base.getSample(0);
    Profile p =
        base.toBuilder()
            .clearSample()
            .addSample(s.toBuilder().addLabel(label(5, 6)).addLabel(label(7, 8)).setValue(0, 1))
            .addSample(s.toBuilder().addLabel(label(7, 8)).addLabel(label(5, 6)).setValue(0, 2))
            .addSample(s.toBuilder().addLabel(label(5, 6)).setValue(0, 4))
            .build();
    Profile merged = PprofMerger.merge(List.of(p));
    assertThat(merged.getSampleCount()).isEqualTo(2);
    assertThat(merged.getSample(0).getValueList()).containsExactly(3L);
    assertThat(merged.getSample(0).getLabelCount()).isEqualTo(2);
    assertThat(merged.getSample(1).getValueList()).containsExactly(4L);
    assertValid(merged);
  }

  @Test
  void timesAreEarliestAndSummedUnlessSet() {
    Profile a = stackProfile(new String[] {"", "cpu", "nanoseconds", "main", "work"}, 1, 2, 3, 4, 1)
        .toBuilder().setTimeNanos(2000).setDurationNanos(10).build();
    Profile b = a.toBuilder().setTimeNanos(1000).setDurationNanos(5).build();
    Profile merged = PprofMerger.merge(List.of(a, b));
    assertThat(merged.getTimeNanos()).isEqualTo(1000);
    assertThat(merged.getDurationNanos()).isEqualTo(15);
    PprofMerger m = new PprofMerger().setTimeNanos(42).setDurationNanos(7);
    m.add(a);
    m.add(b);
    assertThat(m.build().getTimeNanos()).isEqualTo(42);
    assertThat(m.build().getDurationNanos()).isEqualTo(7);
  }

  @Test
  void nothingToMergeGivesAnEmptyValidProfile() {
    Profile merged = new PprofMerger().build();
    assertThat(merged.getStringTableList()).containsExactly("");
    assertThat(merged.getSampleCount()).isZero();
    assertThat(merged.getSampleTypeCount()).isEqualTo(1);
  }

  @Test
  void incompatibleSampleTypesAreRejected() {
    Profile cpu = SharedTestData.pprof(CPU0);
    Profile two = SharedTestData.pprof("go/cpu-short.pb.gz");
    PprofMerger m = new PprofMerger();
    m.add(cpu);
    assertThatThrownBy(() -> m.add(two))
        .isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("incompatible sample types [cpu/nanoseconds]");
  }

  @Test
  void brokenReferencesAreRejected() {
    Profile p = stackProfile(new String[] {"", "cpu", "nanoseconds", "main", "work"}, 1, 2, 3, 4, 1);
    Profile missingLocation = p.toBuilder().setSample(0, p.getSample(0).toBuilder().setLocationId(0, 77)).build();
    assertThatThrownBy(() -> PprofMerger.merge(List.of(missingLocation))).hasMessageContaining("location id 77");
    Profile badString = p.toBuilder().setFunction(0, p.getFunction(0).toBuilder().setName(500)).build();
    assertThatThrownBy(() -> PprofMerger.merge(List.of(badString))).hasMessageContaining("string index 500");
    Profile badValues = p.toBuilder().setSample(0, p.getSample(0).toBuilder().addValue(1)).build();
    assertThatThrownBy(() -> PprofMerger.merge(List.of(badValues))).hasMessageContaining("has 2 values");
  }

  @Test
  void sumsPastInt64SaturateInsteadOfWrapping() {
    String[] strings = {"", "cpu", "nanoseconds", "main", "work"};
    Profile big = stackProfile(strings, 1, 2, 3, 4, Long.MAX_VALUE - 1).toBuilder().setDurationNanos(Long.MAX_VALUE).build();
    Profile small = stackProfile(strings, 5, 6, 7, 8, 2);
    Profile merged = PprofMerger.merge(List.of(big, small, big));
    assertThat(merged.getSampleCount()).isEqualTo(1);
    assertThat(merged.getSample(0).getValue(0)).isEqualTo(Long.MAX_VALUE);
    assertThat(merged.getDurationNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(ReferenceCollapsed.toMap(Collapsed.collapsed(merged, 0))).containsExactly(Map.entry("main;work", Long.MAX_VALUE));
    assertValid(merged);
  }

  /**
   * One sample main -> work (leaf first: work, main) with the given ids: location ids {locMain,
   * locWork}, function ids {fnMain, fnWork}, one mapping, value {@code value}. strings must hold
   * "cpu", "nanoseconds", "main", "work".
   */
  private static Profile stackProfile(String[] strings, long locMain, long locWork, long fnMain, long fnWork, long value) {
    List<String> st = List.of(strings);
    return Profile.newBuilder()
        .addAllStringTable(st)
        .addSampleType(ValueType.newBuilder().setType(st.indexOf("cpu")).setUnit(st.indexOf("nanoseconds")))
        .setPeriodType(ValueType.newBuilder().setType(st.indexOf("cpu")).setUnit(st.indexOf("nanoseconds")))
        .addMapping(Mapping.newBuilder().setId(9).setMemoryStart(0x1000).setMemoryLimit(0x2000))
        .addFunction(Function.newBuilder().setId(fnMain).setName(st.indexOf("main")))
        .addFunction(Function.newBuilder().setId(fnWork).setName(st.indexOf("work")))
        .addLocation(Location.newBuilder().setId(locMain).setMappingId(9).setAddress(0x1100).addLine(Line.newBuilder().setFunctionId(fnMain).setLine(10)))
        .addLocation(Location.newBuilder().setId(locWork).setMappingId(9).setAddress(0x1200).addLine(Line.newBuilder().setFunctionId(fnWork).setLine(20)))
        .addSample(Sample.newBuilder().addLocationId(locWork).addLocationId(locMain).addValue(value))
        .build();
  }

  private static Label label(long key, long str) {
    return Label.newBuilder().setKey(key).setStr(str).build();
  }

  /** string_table[0] == "", ids dense and 1-based, every reference resolves. */
  static void assertValid(Profile p) {
    int strings = p.getStringTableCount();
    assertThat(p.getStringTable(0)).isEmpty();
    for (int i = 0; i < p.getLocationCount(); i++) {
      Location l = p.getLocation(i);
      assertThat(l.getId()).isEqualTo(i + 1L);
      assertThat(l.getMappingId()).isBetween(0L, (long) p.getMappingCount());
      for (Line line : l.getLineList()) {
        assertThat(line.getFunctionId()).isBetween(0L, (long) p.getFunctionCount());
      }
    }
    for (int i = 0; i < p.getFunctionCount(); i++) {
      Function f = p.getFunction(i);
      assertThat(f.getId()).isEqualTo(i + 1L);
      assertThat(List.of(f.getName(), f.getSystemName(), f.getFilename())).allMatch(x -> x >= 0 && x < strings);
    }
    for (int i = 0; i < p.getMappingCount(); i++) {
      Mapping m = p.getMapping(i);
      assertThat(m.getId()).isEqualTo(i + 1L);
      assertThat(List.of(m.getFilename(), m.getBuildId())).allMatch(x -> x >= 0 && x < strings);
    }
    for (Sample s : p.getSampleList()) {
      assertThat(s.getValueCount()).isEqualTo(p.getSampleTypeCount());
      assertThat(s.getLocationIdList()).allMatch(id -> id >= 1 && id <= p.getLocationCount());
      for (Label l : s.getLabelList()) {
        assertThat(List.of(l.getKey(), l.getStr(), l.getNumUnit())).allMatch(x -> x >= 0 && x < strings);
      }
    }
    for (ValueType t : p.getSampleTypeList()) {
      assertThat(List.of(t.getType(), t.getUnit())).allMatch(x -> x >= 0 && x < strings);
    }
    assertThat(List.of(p.getPeriodType().getType(), p.getPeriodType().getUnit(), p.getDropFrames(), p.getKeepFrames(), p.getDefaultSampleType()))
        .allMatch(x -> x >= 0 && x < strings);
  }
}
