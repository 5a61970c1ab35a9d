package io.flarestack.storage.query;

import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Line;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Mapping;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.google.v1.ValueType;
import io.flarestack.common.cancel.Cancellation;
import io.flarestack.common.model.ProfileType;
import io.flarestack.common.model.SampleValues;
import io.flarestack.common.model.tree.CallTree;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes merged per-stack-node values as a pprof with one sample type: one sample per stack
 * node with a non-zero value, and only the locations, functions, mappings and strings those
 * stacks reference (re-numbered densely from 1). With a node budget, stack nodes whose subtree
 * total is below the threshold are cut and their value is kept in an {@code other} frame under
 * the deepest kept ancestor, so the total is preserved. Not thread-safe; one per query.
 */
final class PprofBuilder {
  private final Profile.Builder out = Profile.newBuilder();
  private final Map<String, Integer> stringIds = new HashMap<>();
  private long otherLocation;

  PprofBuilder(ProfileType type, long period, long timeNanos, long durationNanos) {
    string("");
    out.addSampleType(ValueType.newBuilder().setType(string(type.sampleType())).setUnit(string(type.sampleUnit())));
    if (!type.periodType().isEmpty() || !type.periodUnit().isEmpty()) {
      out.setPeriodType(ValueType.newBuilder().setType(string(type.periodType())).setUnit(string(type.periodUnit())));
    }
    out.setPeriod(period).setTimeNanos(timeNanos).setDurationNanos(durationNanos);
  }

  /**
   * The subtree total a stack node needs to be kept so that about {@code maxNodes} nodes
   * survive over all partitions; {@link Long#MIN_VALUE} (keep everything) when
   * {@code maxNodes <= 0} or nothing needs cutting.
   */
  static long threshold(long maxNodes, long[][] totals) {
    if (maxNodes <= 0) {
      return Long.MIN_VALUE;
    }
    int count = 0;
    for (long[] t : totals) {
      for (int i = 1; i < t.length; i++) {
        if (t[i] != 0) {
          count++;
        }
      }
    }
    if (count <= maxNodes) {
      return Long.MIN_VALUE;
    }
    long[] all = new long[count];
    int k = 0;
    for (long[] t : totals) {
      for (int i = 1; i < t.length; i++) {
        if (t[i] != 0) {
          all[k++] = t[i];
        }
      }
    }
    Arrays.sort(all);
    return all[count - (int) maxNodes];
  }

  /** Subtree totals per stack node (a node's own value plus its descendants'). */
  static long[] totals(Symbols v, long[] values) {
    long[] total = values.clone();
    for (int i = total.length - 1; i > 0; i--) {
      int p = v.stackParent(i);
      total[p] = SampleValues.add(total[p], total[i]);
    }
    return total;
  }

  /** Adds one partition's stacks. */
  void add(Symbols v, long[] values, long[] total, long threshold, Cancellation cancel) {
    OutIds sym = new OutIds(v);
    int n = values.length;
    boolean[] kept = new boolean[n];
    kept[0] = true;
    long[] other = null;
    for (int i = 1; i < n; i++) {
      if (total[i] == 0 && values[i] == 0) {
        continue;
      }
      cancel.check();
      int p = v.stackParent(i);
      if (!kept[p]) {
        continue;
      }
      if (total[i] >= threshold) {
        kept[i] = true;
        if (values[i] != 0) {
          Sample.Builder s = Sample.newBuilder().addValue(values[i]);
          appendStack(s, sym, v, i);
          out.addSample(s);
        }
      } else {
        if (other == null) {
          other = new long[n];
        }
        other[p] = SampleValues.add(other[p], total[i]);
      }
    }
    if (values[0] != 0) {
      out.addSample(Sample.newBuilder().addValue(values[0]));
    }
    if (other != null) {
      for (int p = 0; p < n; p++) {
        if (other[p] != 0) {
          Sample.Builder s = Sample.newBuilder().addValue(other[p]).addLocationId(otherLocation());
          appendStack(s, sym, v, p);
          out.addSample(s);
        }
      }
    }
  }

  Profile build() {
    return out.build();
  }

  private void appendStack(Sample.Builder s, OutIds sym, Symbols v, int node) {
    for (int i = node; i > 0; i = v.stackParent(i)) {
      s.addLocationId(sym.location(v.stackLocation(i)));
    }
  }

  private long otherLocation() {
    if (otherLocation == 0) {
      long fn = out.getFunctionCount() + 1;
      out.addFunction(Function.newBuilder().setId(fn).setName(string(CallTree.OTHER)).setSystemName(string(CallTree.OTHER)));
      otherLocation = out.getLocationCount() + 1;
      out.addLocation(Location.newBuilder().setId(otherLocation).addLine(Line.newBuilder().setFunctionId(fn)));
    }
    return otherLocation;
  }

  private int string(String s) {
    Integer id = stringIds.get(s);
    if (id == null) {
      id = out.getStringTableCount();
      out.addStringTable(s);
      stringIds.put(s, id);
    }
    return id;
  }

  /** Output ids of one partition's symbols, assigned on first use. */
  private final class OutIds {
    private final Symbols v;
    private final int[] strings;
    private final long[] functions;
    private final long[] mappings;
    private final long[] locations;

    OutIds(Symbols v) {
      this.v = v;
      strings = new int[v.stringCount()];
      Arrays.fill(strings, -1);
      functions = new long[v.functionCount()];
      mappings = new long[v.mappingCount()];
      locations = new long[v.locationCount()];
    }

    long location(int loc) {
      long id = locations[loc];
      if (id != 0) {
        return id;
      }
      Location.Builder b = Location.newBuilder()
          .setAddress(v.locationAddress(loc))
          .setIsFolded(v.locationFolded(loc));
      int m = v.locationMapping(loc);
      if (m >= 0) {
        b.setMappingId(mapping(m));
      }
      for (int j = 0; j < v.locationLineCount(loc); j++) {
        b.addLine(Line.newBuilder().setFunctionId(function(v.locationLineFunction(loc, j)))
            .setLine(v.locationLineNumber(loc, j)));
      }
      id = out.getLocationCount() + 1;
      out.addLocation(b.setId(id));
      locations[loc] = id;
      return id;
    }

    private long function(int fn) {
      long id = functions[fn];
      if (id == 0) {
        id = out.getFunctionCount() + 1;
        out.addFunction(Function.newBuilder().setId(id)
            .setName(string(v.functionName(fn)))
            .setSystemName(string(v.functionSystemName(fn)))
            .setFilename(string(v.functionFilename(fn)))
            .setStartLine(v.functionStartLine(fn)));
        functions[fn] = id;
      }
      return id;
    }

    private long mapping(int m) {
      long id = mappings[m];
      if (id == 0) {
        id = out.getMappingCount() + 1;
        out.addMapping(Mapping.newBuilder().setId(id)
            .setMemoryStart(v.mappingMemoryStart(m))
            .setMemoryLimit(v.mappingMemoryLimit(m))
            .setFileOffset(v.mappingFileOffset(m))
            .setFilename(string(v.mappingFilename(m)))
            .setBuildId(string(v.mappingBuildId(m)))
            .setHasFunctions(v.mappingHasFunctions(m))
            .setHasFilenames(v.mappingHasFilenames(m))
            .setHasLineNumbers(v.mappingHasLineNumbers(m))
            .setHasInlineFrames(v.mappingHasInlineFrames(m)));
        mappings[m] = id;
      }
      return id;
    }

    private int string(int sid) {
      int id = strings[sid];
      if (id < 0) {
        id = PprofBuilder.this.string(v.string(sid));
        strings[sid] = id;
      }
      return id;
    }
  }
}
