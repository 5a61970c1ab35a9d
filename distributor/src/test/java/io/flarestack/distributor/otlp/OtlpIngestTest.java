package io.flarestack.distributor.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.common.errors.FlarestackException;
import io.opentelemetry.proto.collector.profiles.v1development.ExportProfilesServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.profiles.v1development.Function;
import io.opentelemetry.proto.profiles.v1development.KeyValueAndUnit;
import io.opentelemetry.proto.profiles.v1development.Line;
import io.opentelemetry.proto.profiles.v1development.Link;
import io.opentelemetry.proto.profiles.v1development.Location;
import io.opentelemetry.proto.profiles.v1development.Mapping;
import io.opentelemetry.proto.profiles.v1development.ProfilesDictionary;
import io.opentelemetry.proto.profiles.v1development.ResourceProfiles;
import io.opentelemetry.proto.profiles.v1development.Sample;
import io.opentelemetry.proto.profiles.v1development.ScopeProfiles;
import io.opentelemetry.proto.profiles.v1development.Stack;
import io.opentelemetry.proto.profiles.v1development.ValueType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Conversion rules of OTLP profiles (pyroscope-api.md §7) on small hand-built requests. */
class OtlpIngestTest {
  private static final long NOW = 1_800_000_000_000_000_000L;
  // strings: 0 "", 1 samples, 2 count, 3 cpu, 4 nanoseconds, 5 main, 6 work, 7 service.name, 8 thread.name,
  // 9 off_cpu, 10 app.bin, 11 process.executable.build_id.gnu
  private static final List<String> STRINGS = List.of("", "samples", "count", "cpu", "nanoseconds", "main", "work",
      "service.name", "thread.name", "off_cpu", "app.bin", "process.executable.build_id.gnu");

  private static ProfilesDictionary dictionary() {
    return ProfilesDictionary.newBuilder()
        .addAllStringTable(STRINGS)
        .addMappingTable(Mapping.getDefaultInstance())
        .addMappingTable(Mapping.newBuilder().setFilenameStrindex(10).setMemoryStart(0x1000).setMemoryLimit(0x2000)
            .addAttributeIndices(3))
        .addFunctionTable(Function.getDefaultInstance())
        .addFunctionTable(Function.newBuilder().setNameStrindex(5))
        .addFunctionTable(Function.newBuilder().setNameStrindex(6))
        .addLocationTable(Location.getDefaultInstance())
        .addLocationTable(Location.newBuilder().setMappingIndex(1).setAddress(0x1100)
            .addLines(Line.newBuilder().setFunctionIndex(1)))
        .addLocationTable(Location.newBuilder().setMappingIndex(1).setAddress(0x1200)
            .addLines(Line.newBuilder().setFunctionIndex(2)))
        .addStackTable(Stack.getDefaultInstance())
        .addStackTable(Stack.newBuilder().addLocationIndices(2).addLocationIndices(1)) // work <- main
        .addAttributeTable(KeyValueAndUnit.getDefaultInstance())
        .addAttributeTable(KeyValueAndUnit.newBuilder().setKeyStrindex(7).setValue(string("svc-b")))
        .addAttributeTable(KeyValueAndUnit.newBuilder().setKeyStrindex(8).setValue(string("worker-1")))
        .addAttributeTable(KeyValueAndUnit.newBuilder().setKeyStrindex(11).setValue(string("abc123")))
        .addLinkTable(Link.getDefaultInstance())
        .addLinkTable(Link.newBuilder()
            .setTraceId(ByteString.fromHex("0102030405060708090a0b0c0d0e0f10"))
            .setSpanId(ByteString.fromHex("a1a2a3a4a5a6a7a8")))
        .build();
  }

  private static io.opentelemetry.proto.profiles.v1development.Profile.Builder cpuProfile() {
    return io.opentelemetry.proto.profiles.v1development.Profile.newBuilder()
        .setSampleType(ValueType.newBuilder().setTypeStrindex(1).setUnitStrindex(2))
        .setPeriodType(ValueType.newBuilder().setTypeStrindex(3).setUnitStrindex(4))
        .setPeriod(50_000_000L);
  }

  private static ExportProfilesServiceRequest request(List<KeyValue> resource,
      io.opentelemetry.proto.profiles.v1development.Profile.Builder profile) {
    return ExportProfilesServiceRequest.newBuilder()
        .setDictionary(dictionary())
        .addResourceProfiles(ResourceProfiles.newBuilder()
            .setResource(io.opentelemetry.proto.resource.v1.Resource.newBuilder().addAllAttributes(resource))
            .addScopeProfiles(ScopeProfiles.newBuilder()
                .setScope(io.opentelemetry.proto.common.v1.InstrumentationScope.newBuilder().setName("ebpf")
                    .addAttributes(kv("team", string("core"))))
                .addProfiles(profile)))
        .build();
  }

  @Test
  void cpuSamplesBecomeNanosecondsOfProcessCpuWithResourceServiceAndScopeLabels() throws Exception {
    PushRequest push = OtlpIngest.toPush(request(List.of(kv("service.name", string("checkout")),
        kv("host.cpus", AnyValue.newBuilder().setIntValue(8).build()),
        kv("ignored.bool", AnyValue.newBuilder().setBoolValue(true).build())),
        cpuProfile().setTimeUnixNano(123).setDurationNano(456)
            .addSamples(Sample.newBuilder().setStackIndex(1).addValues(3).addAttributeIndices(2))
            .addSamples(Sample.newBuilder().setStackIndex(1).addTimestampsUnixNano(1).addTimestampsUnixNano(2)
                .setLinkIndex(1))), NOW);

    assertThat(push.getSeriesCount()).isEqualTo(1);
    RawProfileSeries s = push.getSeries(0);
    assertThat(labels(s)).containsExactly(Map.entry("__delta__", "false"), Map.entry("__otel__", "true"),
        Map.entry("__name__", "process_cpu"), Map.entry("service_name", "checkout"),
        Map.entry("service.name", "checkout"), Map.entry("host.cpus", "8"), Map.entry("team", "core"));
    Profile p = Profile.parseFrom(s.getSamples(0).getRawProfile());
    assertThat(str(p, p.getSampleType(0).getType()) + ":" + str(p, p.getSampleType(0).getUnit())).isEqualTo("cpu:nanoseconds");
    assertThat(p.getPeriod()).isEqualTo(50_000_000L);
    assertThat(p.getTimeNanos()).isEqualTo(123);
    assertThat(p.getDurationNanos()).isEqualTo(456);
    assertThat(p.getSample(0).getValue(0)).isEqualTo(150_000_000L);
    assertThat(p.getSample(1).getValue(0)).isEqualTo(100_000_000L); // two timestamps, no values
    assertThat(sampleLabels(p, 0)).containsExactly(Map.entry("thread.name", "worker-1"));
    assertThat(sampleLabels(p, 1)).containsExactly(Map.entry("span_id", "a1a2a3a4a5a6a7a8"),
        Map.entry("trace_id", "0102030405060708090a0b0c0d0e0f10"));
    // leaf first, symbolized mapping without addresses, build id from the mapping attribute
    assertThat(p.getSample(0).getLocationIdList()).hasSize(2);
    assertThat(p.getLocationList()).allSatisfy(l -> assertThat(l.getAddress()).isZero());
    assertThat(str(p, p.getFunction((int) p.getLocation(0).getLine(0).getFunctionId() - 1).getName())).isEqualTo("work");
    assertThat(str(p, p.getMapping(0).getFilename())).isEqualTo("app.bin");
    assertThat(str(p, p.getMapping(0).getBuildId())).isEqualTo("abc123");
    assertThat(p.getMapping(0).getHasFunctions()).isTrue();
  }

  @Test
  void sampleServiceNamesSplitTheProfileAndMissingNamesFallBackToTheExecutable() throws Exception {
    PushRequest push = OtlpIngest.toPush(request(List.of(kv("process.executable.name", string("nginx"))),
        cpuProfile()
            .addSamples(Sample.newBuilder().setStackIndex(1).addValues(1))
            .addSamples(Sample.newBuilder().setStackIndex(1).addValues(2).addAttributeIndices(1))), NOW);
    assertThat(push.getSeriesList()).extracting(s -> labels(s).get("service_name"))
        .containsExactly("unknown_service:nginx", "svc-b");
    Profile p = Profile.parseFrom(push.getSeries(0).getSamples(0).getRawProfile());
    assertThat(p.getTimeNanos()).isEqualTo(NOW);
    assertThat(p.getDurationNanos()).isEqualTo(10_000_000_000L);
    assertThat(sampleLabels(Profile.parseFrom(push.getSeries(1).getSamples(0).getRawProfile()), 0)).isEmpty();

    PushRequest none = OtlpIngest.toPush(request(List.of(kv("list", AnyValue.newBuilder()
        .setArrayValue(ArrayValue.newBuilder().addValues(string("only"))).build())),
        cpuProfile().addSamples(Sample.newBuilder().setStackIndex(1).addValues(1))), NOW);
    assertThat(labels(none.getSeries(0))).containsEntry("service_name", "unknown_service").containsEntry("list", "only");
  }

  @Test
  void offCpuSumsTheValuesOfASampleAndOtherTypesAreNamedAfterThePeriodType() throws Exception {
    var offCpu = io.opentelemetry.proto.profiles.v1development.Profile.newBuilder()
        .setSampleType(ValueType.newBuilder().setTypeStrindex(9).setUnitStrindex(4))
        .addSamples(Sample.newBuilder().setStackIndex(1).addValues(5).addValues(7).addValues(11));
    PushRequest push = OtlpIngest.toPush(request(List.of(), offCpu), NOW);
    assertThat(labels(push.getSeries(0))).containsEntry("__name__", "off_cpu");
    assertThat(Profile.parseFrom(push.getSeries(0).getSamples(0).getRawProfile()).getSample(0).getValue(0)).isEqualTo(23);

    var itimer = io.opentelemetry.proto.profiles.v1development.Profile.newBuilder()
        .setSampleType(ValueType.newBuilder().setTypeStrindex(3).setUnitStrindex(4))
        .setPeriodType(ValueType.newBuilder().setTypeStrindex(3).setUnitStrindex(4)).setPeriod(10)
        .addSamples(Sample.newBuilder().setStackIndex(1).addValues(10));
    assertThat(labels(OtlpIngest.toPush(request(List.of(), itimer), NOW).getSeries(0))).containsEntry("__name__", "cpu");
  }

  @Test
  void whatDoesNotConvertIsAnInvalidArgumentNamingIt() {
    assertThatThrownBy(() -> OtlpIngest.toPush(request(List.of(),
        cpuProfile().addSamples(Sample.newBuilder().setStackIndex(1_000_000_000).addValues(1))), NOW))
        .isInstanceOf(FlarestackException.class)
        .hasMessageContaining("failed to convert otel profile (resource_profiles[0].scope_profiles[0].profiles[0])")
        .hasMessageContaining("invalid stack index: 1000000000 (the dictionary's stack table has 2 entries)");
    assertThatThrownBy(() -> OtlpIngest.toPush(request(List.of(),
        cpuProfile().addSamples(Sample.newBuilder().setStackIndex(1))), NOW))
        .hasMessageContaining("sample 0 has neither values nor timestamps");
    assertThatThrownBy(() -> OtlpIngest.toPush(request(List.of(),
        io.opentelemetry.proto.profiles.v1development.Profile.newBuilder()
            .addSamples(Sample.newBuilder().setStackIndex(1).addValues(1))), NOW))
        .hasMessageContaining("the profile has no sample_type");
    assertThatThrownBy(() -> OtlpIngest.toPush(request(List.of(),
        cpuProfile().addSamples(Sample.newBuilder().setStackIndex(1).addValues(1).addValues(2))), NOW))
        .hasMessageContaining("sample 0 has 2 values");
    assertThatThrownBy(() -> OtlpIngest.toPush(ExportProfilesServiceRequest.getDefaultInstance(), NOW))
        .hasMessageContaining("missing profile metadata dictionary");
    assertThat(OtlpIngest.toPush(request(List.of(), cpuProfile()), NOW).getSeriesCount()).isZero();
  }

  private static Map<String, String> labels(RawProfileSeries s) {
    Map<String, String> out = new LinkedHashMap<>();
    for (LabelPair p : s.getLabelsList()) {
      out.put(p.getName(), p.getValue());
    }
    return out;
  }

  private static Map<String, String> sampleLabels(Profile p, int sample) {
    Map<String, String> out = new LinkedHashMap<>();
    for (var l : p.getSample(sample).getLabelList()) {
      out.put(str(p, l.getKey()), str(p, l.getStr()));
    }
    return out;
  }

  private static String str(Profile p, long idx) {
    return p.getStringTable((int) idx);
  }

  private static AnyValue string(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  private static KeyValue kv(String key, AnyValue v) {
    return KeyValue.newBuilder().setKey(key).setValue(v).build();
  }
}
