package io.flarestack.distributor.ingest;

import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Line;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Mapping;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.google.v1.ValueType;
import io.flarestack.common.errors.FlarestackException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the pprof of a text upload (Pyroscope's tree-to-pprof conversion): one fake mapping, one
 * function and one location per distinct frame name, one sample per stack with its frames
 * leaf-first. For CPU and wall types with a sample rate, counts become nanoseconds
 * ({@code count * 1e9 / sampleRate}) of type {@code cpu}/{@code wall} with period type
 * {@code cpu:nanoseconds}; otherwise they stay counts of the legacy sample type with no period.
 * Stateless.
 */
public final class TextProfiles {
  private TextProfiles() {}

  /**
   * Builds the profile.
   *
   * @param stacks {@code ;}-joined stacks (root first) with counts
   * @param sampleRate samples per second; 0 keeps counts
   * @param fromNanos profile start ({@code time_nanos})
   * @param untilNanos profile end ({@code duration_nanos = until - from}, at least 0)
   * @throws FlarestackException invalid_argument when a scaled value overflows
   */
  public static Profile build(Map<String, Long> stacks, LegacyProfileType type, long sampleRate, long fromNanos,
      long untilNanos) {
    Strings strings = new Strings();
    boolean timed = type.timedType() != null && sampleRate != 0;
    long period = timed ? 1_000_000_000L / sampleRate : 0;
    Profile.Builder b = Profile.newBuilder();
    if (timed) {
      b.addSampleType(valueType(strings, type.timedType(), "nanoseconds"));
      b.setPeriodType(valueType(strings, "cpu", "nanoseconds")).setPeriod(period);
    } else {
      b.addSampleType(valueType(strings, type.sampleType(), type.sampleUnit()));
    }
    b.addMapping(Mapping.newBuilder().setId(1).setHasFunctions(true));
    Map<String, Long> locationIds = new HashMap<>();
    for (Map.Entry<String, Long> e : stacks.entrySet()) {
      List<String> frames = List.of(e.getKey().split(";", -1));
      Sample.Builder sb = Sample.newBuilder();
      for (int i = frames.size() - 1; i >= 0; i--) {
        String frame = frames.get(i);
        Long id = locationIds.get(frame);
        if (id == null) {
          id = (long) locationIds.size() + 1;
          locationIds.put(frame, id);
          b.addFunction(Function.newBuilder().setId(id).setName(strings.index(frame)));
          b.addLocation(Location.newBuilder().setId(id).setMappingId(1)
              .addLine(Line.newBuilder().setFunctionId(id)));
        }
        sb.addLocationId(id);
      }
      long value = e.getValue();
      if (timed) {
        try {
          value = Math.multiplyExact(value, period);
        } catch (ArithmeticException ex) {
          throw FlarestackException.invalidArgument("the count %d of stack %s overflows when scaled to nanoseconds", e.getValue(),
              preview(e.getKey()));
        }
      }
      b.addSample(sb.addValue(value));
    }
    return b.addAllStringTable(strings.list)
        .setTimeNanos(fromNanos)
        .setDurationNanos(Math.max(0, untilNanos - fromNanos))
        .build();
  }

  private static ValueType valueType(Strings strings, String type, String unit) {
    return ValueType.newBuilder().setType(strings.index(type)).setUnit(strings.index(unit)).build();
  }

  private static String preview(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }

  private static final class Strings {
    final List<String> list = new ArrayList<>(List.of(""));
    final Map<String, Integer> index = new HashMap<>(Map.of("", 0));

    long index(String s) {
      Integer i = index.get(s);
      if (i == null) {
        i = list.size();
        list.add(s);
        index.put(s, i);
      }
      return i;
    }
  }
}
