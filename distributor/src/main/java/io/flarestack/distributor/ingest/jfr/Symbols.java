package io.flarestack.distributor.ingest.jfr;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Line;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Mapping;
import io.flarestack.api.google.v1.Profile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;

/**
 * The string, function and location tables of one pprof under construction: one function per
 * distinct frame name, one location per (function, line), one fake mapping, as Pyroscope's JFR
 * converter builds them. Not thread-safe.
 */
final class Symbols {
  private static final long[] NO_LOCATIONS = new long[0];

  private final FrameNames names;
  private final List<String> strings = new ArrayList<>();
  private final Map<String, Integer> stringIds = new HashMap<>();
  private final Map<String, Integer> functionIds = new HashMap<>();
  private final List<Integer> functionNames = new ArrayList<>();
  private final Map<Long, Integer> locationIds = new HashMap<>();
  private long[] locations = new long[64]; // (function id, line) per location

  Symbols(FrameNames names) {
    this.names = requireNonNull(names, "names is null");
    string("");
  }

  /** The index of {@code s} in the string table, adding it when new. */
  int string(String s) {
    Integer id = stringIds.get(s);
    if (id == null) {
      id = strings.size();
      strings.add(s);
      stringIds.put(s, id);
    }
    return id;
  }

  /** The location ids of a stack, leaf first; frames without a method or class are left out. */
  long[] locationIds(RecordedStackTrace stack) {
    List<RecordedFrame> frames = stack.getFrames();
    if (frames.isEmpty()) {
      return NO_LOCATIONS;
    }
    long[] out = new long[frames.size()];
    int n = 0;
    for (RecordedFrame f : frames) {
      String name = names.name(f);
      if (name != null) {
        out[n++] = location(function(name), Math.max(0, f.getLineNumber()));
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  private int function(String name) {
    Integer id = functionIds.get(name);
    if (id == null) {
      functionNames.add(string(name));
      id = functionNames.size();
      functionIds.put(name, id);
    }
    return id;
  }

  private long location(int functionId, int line) {
    Long key = ((long) functionId << 32) | line;
    Integer id = locationIds.get(key);
    if (id == null) {
      int index = locationIds.size();
      if (2 * index + 1 >= locations.length) {
        locations = Arrays.copyOf(locations, locations.length * 2);
      }
      locations[2 * index] = functionId;
      locations[2 * index + 1] = line;
      id = index + 1;
      locationIds.put(key, id);
    }
    return id;
  }

  /** Adds the mapping, functions, locations and string table to {@code b}. */
  void writeTo(Profile.Builder b) {
    b.addMapping(Mapping.newBuilder().setId(1).setHasFunctions(true));
    for (int i = 0; i < functionNames.size(); i++) {
      b.addFunction(Function.newBuilder().setId(i + 1).setName(functionNames.get(i)));
    }
    for (int i = 0; i < locationIds.size(); i++) {
      b.addLocation(Location.newBuilder().setId(i + 1).setMappingId(1)
          .addLine(Line.newBuilder().setFunctionId(locations[2 * i]).setLine(locations[2 * i + 1])));
    }
    b.addAllStringTable(strings);
  }
}
