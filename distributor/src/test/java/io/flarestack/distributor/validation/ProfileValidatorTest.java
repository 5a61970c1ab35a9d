package io.flarestack.distributor.validation;

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
import io.flarestack.common.limits.Limits;
import io.flarestack.common.model.Labels;
import io.flarestack.distributor.DiscardException;
import io.flarestack.distributor.DiscardReason;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ProfileValidatorTest {
  private static final long NOW = 1_700_000_000_000_000_000L;
  private static final Labels LABELS = Labels.of("__name__", "process_cpu", "service_name", "svc");

  // strings: 0 "", 1 cpu, 2 nanoseconds, 3 main, 4 file.go, 5 key, 6 value
  private static Profile.Builder valid() {
    return Profile.newBuilder()
        .addAllStringTable(List.of("", "cpu", "nanoseconds", "main", "file.go", "key", "value"))
        .addSampleType(ValueType.newBuilder().setType(1).setUnit(2))
        .addMapping(Mapping.newBuilder().setId(7).setFilename(4))
        .addFunction(Function.newBuilder().setId(3).setName(3).setFilename(4))
        .addLocation(Location.newBuilder().setId(5).setMappingId(7).addLine(Line.newBuilder().setFunctionId(3)))
        .addSample(Sample.newBuilder().addLocationId(5).addValue(10).addLabel(Label.newBuilder().setKey(5).setStr(6)))
        .setTimeNanos(NOW - 1);
  }

  private static ValidProfile validate(Profile.Builder b) {
    return ProfileValidator.validate(b.build(), Limits.defaults(), LABELS, NOW);
  }

  @Test
  void acceptsAValidProfileAndIndexesIt() {
    ValidProfile v = validate(valid());
    assertThat(v.timeNanos()).isEqualTo(NOW - 1);
    assertThat(v.locationIndex().get(5)).isZero();
    assertThat(v.functionIndex().get(3)).isZero();
    assertThat(v.mappingIndex().get(7)).isZero();
    assertThat(v.strings()).isSameAs(v.profile().getStringTableList());
  }

  @Test
  void zeroMappingAndZeroLineFunctionMeanNone() {
    validate(valid().setLocation(0, Location.newBuilder().setId(5).addLine(Line.newBuilder())));
  }

  @Test
  void timeZeroIsNow() {
    assertThat(validate(valid().setTimeNanos(0)).timeNanos()).isEqualTo(NOW);
  }

  @Test
  void malformedProfiles() {
    assertMalformed(b -> b.clearSampleType(), "has no sample types");
    assertMalformed(b -> b.setStringTable(0, "x"), "string 0 should be empty string, got \"x\"");
    assertMalformed(b -> b.clearStringTable(), "an empty string table");
    assertMalformed(b -> b.setSampleType(0, ValueType.newBuilder().setType(99).setUnit(2)),
        "sample type type string index out of range: 99 (the string table has 7 entries)");
    assertMalformed(b -> b.setFunction(0, Function.newBuilder().setId(3).setName(-1)),
        "function name string index out of range: -1");
    assertMalformed(b -> b.setMapping(0, Mapping.newBuilder().setId(7).setBuildId(7)), "mapping build ID string index");
    assertMalformed(b -> b.setSample(0, Sample.newBuilder().addLocationId(5).addValue(1)
        .addLabel(Label.newBuilder().setKey(50).setStr(6))), "sample label key string index out of range: 50");
    assertMalformed(b -> b.setPeriodType(ValueType.newBuilder().setType(8)), "period type type string index");
    assertMalformed(b -> b.setDropFrames(9), "drop frames string index");
    assertMalformed(b -> b.setLocation(0, Location.newBuilder().setId(0)), "location id is 0");
    assertMalformed(b -> b.setFunction(0, Function.newBuilder().setId(0)), "function id is 0");
    assertMalformed(b -> b.setLocation(0, Location.newBuilder().setId(5).setMappingId(8)),
        "location 5 references mapping 8, which does not exist");
    assertMalformed(b -> b.setLocation(0, Location.newBuilder().setId(5).addLine(Line.newBuilder().setFunctionId(4))),
        "location 5 references function 4, which does not exist");
    assertMalformed(b -> b.setSample(0, Sample.newBuilder().addLocationId(6).addValue(1)),
        "sample 0 references location 6, which does not exist");
    // 2^63 is the id maps' empty marker: a reference to it must not find an empty slot (found by the fuzz test)
    assertMalformed(b -> b.setLocation(0, Location.newBuilder().setId(5).setMappingId(Long.MIN_VALUE)),
        "location 5 references mapping 9223372036854775808, which does not exist");
    assertMalformed(b -> b.setLocation(0, Location.newBuilder().setId(5)
        .addLine(Line.newBuilder().setFunctionId(Long.MIN_VALUE))),
        "location 5 references function 9223372036854775808, which does not exist");
    assertMalformed(b -> b.setSample(0, Sample.newBuilder().addLocationId(Long.MIN_VALUE).addValue(1)),
        "sample 0 references location 9223372036854775808, which does not exist");
    assertMalformed(b -> b.setSample(0, Sample.newBuilder().addLocationId(0).addValue(1)), "references location 0");
    assertMalformed(b -> b.setSample(0, Sample.newBuilder().addLocationId(5).addValue(1).addValue(2)),
        "sample value length mismatch: sample 0 has 2 values, the profile has 1 sample types");
    assertMalformed(b -> b.setStringTable(1, "alloc-samples"), "sample type contains -: 'alloc-samples'");
  }

  @Test
  void limits() {
    Limits d = Limits.defaults();
    Limits small = new Limits(d.ingestionRateMb(), d.ingestionBurstSizeMb(), d.ingestionBodyLimitBytes(),
        d.maxLabelNameLength(), d.maxLabelValueLength(), d.maxLabelNamesPerSeries(), d.maxProfileSizeBytes(), 1, 0,
        d.maxProfileStacktraceDepth(), d.maxProfileSymbolValueLength(), d.rejectOlderThan(), d.rejectNewerThan(),
        d.maxQueryLookback(), d.maxQueryLength(), d.maxFlameGraphNodesDefault(), d.maxFlameGraphNodesMax());
    Profile two = valid().addSample(Sample.newBuilder().addLocationId(5).addValue(3)).build();
    assertThatThrownBy(() -> ProfileValidator.validate(two, small, LABELS, NOW))
        .isInstanceOfSatisfying(DiscardException.class, e -> assertThat(e.reason()).isEqualTo(DiscardReason.SAMPLES_LIMIT))
        .hasMessageContaining("actual: 2, limit: 1");

    Sample.Builder many = Sample.newBuilder().addLocationId(5).addValue(1);
    for (int i = 0; i < 101; i++) {
      many.addLabel(Label.newBuilder().setKey(5).setStr(6));
    }
    assertThatThrownBy(() -> validate(valid().setSample(0, many)))
        .isInstanceOfSatisfying(DiscardException.class,
            e -> assertThat(e.reason()).isEqualTo(DiscardReason.SAMPLE_LABELS_LIMIT))
        .hasMessageContaining("actual: 101, limit: 100");
  }

  @Test
  void valuesAddingUpPastInt64AreRefused() {
    long max = Long.MAX_VALUE;
    Sample big = Sample.newBuilder().addLocationId(5).addValue(max).build();
    // The attack report's profile: two samples of 2^63-1, whose total used to read -2.
    assertMalformed(b -> b.clearSample().addSample(big).addSample(big),
        "the values of sample type 'cpu' in the profile with labels '" + LABELS + "' add up to more than the int64"
            + " maximum 9223372036854775807: sample 1 adds 9223372036854775807 to 9223372036854775807");
    assertMalformed(b -> b.clearSample().addSample(big.toBuilder().setValue(0, max - 5)).addSample(big.toBuilder().setValue(0, 6)),
        "sample 1 adds 6 to 9223372036854775802");
    // Exactly the maximum is fine; so are samples the splitter drops (negative, or without a location).
    validate(valid().clearSample().addSample(big.toBuilder().setValue(0, max - 5)).addSample(big.toBuilder().setValue(0, 5)));
    validate(valid().clearSample().addSample(big).addSample(big.toBuilder().setValue(0, -1))
        .addSample(Sample.newBuilder().addValue(max)));
    // Every sample type is checked, and named.
    Profile.Builder twoTypes = valid().addSampleType(ValueType.newBuilder().setType(3).setUnit(2)).clearSample()
        .addSample(Sample.newBuilder().addLocationId(5).addValue(1).addValue(max))
        .addSample(Sample.newBuilder().addLocationId(5).addValue(1).addValue(1));
    assertThatThrownBy(() -> validate(twoTypes)).isInstanceOf(DiscardException.class)
        .hasMessageContaining("sample type 'main'");
  }

  private static void assertMalformed(UnaryOperator<Profile.Builder> change, String message) {
    assertThatThrownBy(() -> validate(change.apply(valid())))
        .isInstanceOfSatisfying(DiscardException.class,
            e -> assertThat(e.reason()).isEqualTo(DiscardReason.MALFORMED_PROFILE))
        .hasMessageContaining(message);
  }
}
