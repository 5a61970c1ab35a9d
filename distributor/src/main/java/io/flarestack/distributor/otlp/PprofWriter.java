package io.flarestack.distributor.otlp;

import com.google.protobuf.ByteString;
import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Label;
import io.flarestack.api.google.v1.Line;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Mapping;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.google.v1.ValueType;
import io.flarestack.common.errors.FlarestackException;
import io.opentelemetry.proto.profiles.v1development.KeyValueAndUnit;
import io.opentelemetry.proto.profiles.v1development.Link;
import io.opentelemetry.proto.profiles.v1development.ProfilesDictionary;
import io.opentelemetry.proto.profiles.v1development.Stack;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Builds the pprof of one OTLP profile's samples for one service: one sample type, the period
 * and period type of the source, and only the dictionary functions, locations and mappings the
 * samples reach (pprof ids assigned densely in first-use order). Sample attributes become pprof
 * sample labels (the distributor splits series by them), except {@code service.name}, which chose
 * this writer; a sample's link adds {@code span_id} (16 hex digits) and {@code trace_id} (32 hex
 * digits). Not thread-safe; one per converted profile.
 */
final class PprofWriter {
  private static final HexFormat HEX = HexFormat.of();
  private static final long DEFAULT_DURATION_NANOS = 10_000_000_000L;

  private final ProfilesDictionary dict;
  private final MappingFlags mappingFlags;
  private final ProfileShape shape;
  private final long period;
  private final Profile.Builder out = Profile.newBuilder();
  private final Map<String, Long> strings = new HashMap<>();
  private final Map<Integer, Long> functions = new HashMap<>();
  private final Map<Integer, Long> locations = new HashMap<>();
  private final Map<Integer, Long> mappings = new HashMap<>();

  PprofWriter(io.opentelemetry.proto.profiles.v1development.Profile src, ProfilesDictionary dict,
      MappingFlags mappingFlags, ProfileShape shape, long nowNanos) {
    this.dict = dict;
    this.mappingFlags = mappingFlags;
    this.shape = shape;
    this.period = src.getPeriod();
    str("");
    out.addSampleType(ValueType.newBuilder().setType(str(shape.sampleType())).setUnit(str(shape.sampleUnit())));
    out.setDefaultSampleType(str(shape.sampleType()));
    if (shape.periodType() != null) {
      out.setPeriodType(ValueType.newBuilder().setType(str(shape.periodType())).setUnit(str(shape.periodUnit())));
    }
    out.setPeriod(period);
    out.setTimeNanos(src.getTimeUnixNano() != 0 ? src.getTimeUnixNano() : nowNanos);
    out.setDurationNanos(src.getDurationNano() != 0 ? src.getDurationNano() : DEFAULT_DURATION_NANOS);
  }

  /**
   * Adds one sample.
   *
   * @param index the sample's position in its profile, for messages
   * @throws FlarestackException invalid_argument when the sample has no value, several values
   *     where one is expected, or an index outside the dictionary
   */
  void add(io.opentelemetry.proto.profiles.v1development.Sample s, int index) {
    long value = value(s, index);
    Sample.Builder b = Sample.newBuilder().addValue(value);
    for (int attr : s.getAttributeIndicesList()) {
      KeyValueAndUnit a = Dictionary.attribute(dict, attr);
      String key = Dictionary.string(dict, a.getKeyStrindex(), "attribute key");
      if (key.equals(OtlpAttributes.SERVICE_NAME)) {
        continue;
      }
      String v = OtlpAttributes.labelValue(a.getValue());
      if (!v.isEmpty()) {
        b.addLabel(Label.newBuilder().setKey(str(key)).setStr(str(v)));
      }
    }
    if (s.getLinkIndex() != 0) {
      Link link = Dictionary.link(dict, s.getLinkIndex());
      addHexLabel(b, "span_id", link.getSpanId(), 8);
      addHexLabel(b, "trace_id", link.getTraceId(), 16);
    }
    Stack stack = Dictionary.stack(dict, s.getStackIndex());
    for (int loc : stack.getLocationIndicesList()) {
      b.addLocationId(location(loc));
    }
    out.addSample(b);
  }

  Profile build() {
    return out.build();
  }

  private long value(io.opentelemetry.proto.profiles.v1development.Sample s, int index) {
    int n = s.getValuesCount();
    if (n == 0) {
      // The spec: a sample without values counts one per timestamp.
      if (s.getTimestampsUnixNanoCount() == 0) {
        throw FlarestackException.invalidArgument("sample %d has neither values nor timestamps", index);
      }
      return convert(s.getTimestampsUnixNanoCount(), index);
    }
    if (shape.conversion() == ProfileShape.Conversion.SUM_EVENTS) {
      long sum = 0;
      for (int i = 0; i < n; i++) {
        sum = addExact(sum, s.getValues(i), index);
      }
      return sum;
    }
    if (n != 1) {
      throw FlarestackException.invalidArgument("sample %d has %d values; a profile of type %s:%s has one value per sample",
          index, n, shape.sampleType(), shape.sampleUnit());
    }
    return convert(s.getValues(0), index);
  }

  private long convert(long v, int index) {
    if (shape.conversion() != ProfileShape.Conversion.SAMPLES_TO_NANOS) {
      return v;
    }
    try {
      return Math.multiplyExact(v, period);
    } catch (ArithmeticException e) {
      throw FlarestackException.invalidArgument("sample %d: %d samples times the period %d overflows", index, v, period);
    }
  }

  private static long addExact(long a, long b, int index) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException e) {
      throw FlarestackException.invalidArgument("sample %d: the sum of its values overflows", index);
    }
  }

  private void addHexLabel(Sample.Builder b, String key, ByteString id, int length) {
    if (id.size() == length) {
      b.addLabel(Label.newBuilder().setKey(str(key)).setStr(str(HEX.formatHex(id.toByteArray()))));
    }
  }

  private long location(int idx) {
    Long id = locations.get(idx);
    if (id != null) {
      return id;
    }
    io.opentelemetry.proto.profiles.v1development.Location l = Dictionary.location(dict, idx);
    int m = l.getMappingIndex();
    long mappingId = mapping(m);
    Location.Builder b = Location.newBuilder()
        .setMappingId(mappingId)
        .setAddress(mappingFlags.hasFunctions(m) ? 0 : l.getAddress());
    for (io.opentelemetry.proto.profiles.v1development.Line line : l.getLinesList()) {
      b.addLine(Line.newBuilder().setFunctionId(function(line.getFunctionIndex())).setLine(line.getLine()));
    }
    id = (long) out.getLocationCount() + 1;
    out.addLocation(b.setId(id));
    locations.put(idx, id);
    return id;
  }

  private long function(int idx) {
    Long id = functions.get(idx);
    if (id != null) {
      return id;
    }
    io.opentelemetry.proto.profiles.v1development.Function f = Dictionary.function(dict, idx);
    id = (long) out.getFunctionCount() + 1;
    out.addFunction(Function.newBuilder()
        .setId(id)
        .setName(str(Dictionary.string(dict, f.getNameStrindex(), "function name")))
        .setSystemName(str(Dictionary.string(dict, f.getSystemNameStrindex(), "function system name")))
        .setFilename(str(Dictionary.string(dict, f.getFilenameStrindex(), "function file name")))
        .setStartLine(f.getStartLine()));
    functions.put(idx, id);
    return id;
  }

  private long mapping(int idx) {
    Long id = mappings.get(idx);
    if (id != null) {
      return id;
    }
    io.opentelemetry.proto.profiles.v1development.Mapping m = Dictionary.mapping(dict, idx);
    boolean symbolized = mappingFlags.hasFunctions(idx);
    id = (long) out.getMappingCount() + 1;
    out.addMapping(Mapping.newBuilder()
        .setId(id)
        .setMemoryStart(symbolized ? 0 : m.getMemoryStart())
        .setMemoryLimit(symbolized ? 0 : m.getMemoryLimit())
        .setFileOffset(symbolized ? 0 : m.getFileOffset())
        .setFilename(str(Dictionary.string(dict, m.getFilenameStrindex(), "mapping file name")))
        .setBuildId(str(OtlpAttributes.find(dict, m.getAttributeIndicesList(), OtlpAttributes.BUILD_ID_GNU)))
        .setHasFunctions(symbolized)
        .setHasFilenames(mappingFlags.hasFilenames(idx))
        .setHasLineNumbers(mappingFlags.hasLineNumbers(idx))
        .setHasInlineFrames(mappingFlags.hasInlineFrames(idx)));
    mappings.put(idx, id);
    return id;
  }

  private long str(String s) {
    Long i = strings.get(s);
    if (i == null) {
      i = (long) out.getStringTableCount();
      out.addStringTable(s);
      strings.put(s, i);
    }
    return i;
  }
}
