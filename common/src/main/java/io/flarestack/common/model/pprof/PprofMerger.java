package io.flarestack.common.model.pprof;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Label;
import io.flarestack.api.google.v1.Line;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Mapping;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.google.v1.ValueType;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.Checkpoint;
import io.flarestack.common.model.SampleValues;
import io.flarestack.common.model.tree.LongIntMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges pprof profiles that share their sample types into one valid profile. Strings, mappings,
 * functions and locations are de-duplicated by content (never by id, ids differ between
 * profiles); samples with the same location sequence and the same labels (in any order) are
 * summed, saturating at {@code Long.MAX_VALUE} ({@link SampleValues}). Only what samples reference is kept. The result has {@code string_table[0] == ""}, dense
 * 1-based ids in first-reference order, the first profile's sample types and period type, the
 * largest period, the earliest non-zero {@code time_nanos} and the summed {@code duration_nanos}
 * (as Pyroscope's {@code pprof.ProfileMerge} does) unless set explicitly.
 *
 * <p>Interning works on flat primitive rows: a sample costs no allocation unless it is new. Not
 * thread-safe; after {@link #add} throws, the merger must be discarded.
 */
public final class PprofMerger {
  private final List<String> strings = new ArrayList<>();
  private final Map<String, Integer> stringIds = new HashMap<>();
  private final RowTable functions = new RowTable();
  private final RowTable mappings = new RowTable();
  private final RowTable locations = new RowTable();
  private final RowTable samples = new RowTable();
  private long[] values = new long[256];
  private int width = -1;
  private long[] sampleTypes;
  private long periodType;
  private long periodUnit;
  private long period;
  private long timeNanos;
  private long durationNanos;
  private boolean timeSet;
  private boolean durationSet;
  private long dropFrames;
  private long keepFrames;
  private long defaultSampleType;
  private final List<Long> comments = new ArrayList<>();
  private long[] sampleRow = new long[64];
  private long[] locationRow = new long[64];
  private final long[] smallRow = new long[6];

  public PprofMerger() {
    intern("");
  }

  /** Merges {@code profiles} in order; see {@link #add}. */
  public static Profile merge(List<Profile> profiles) {
    return merge(profiles, Checkpoint.NONE);
  }

  /** Merges {@code profiles} in order, calling {@code checkpoint} per sample. */
  public static Profile merge(List<Profile> profiles, Checkpoint checkpoint) {
    PprofMerger m = new PprofMerger();
    for (Profile p : profiles) {
      m.add(p, checkpoint);
    }
    return m.build();
  }

  /** Overrides the merged {@code time_nanos}. */
  public PprofMerger setTimeNanos(long timeNanos) {
    this.timeNanos = timeNanos;
    this.timeSet = true;
    return this;
  }

  /** Overrides the merged {@code duration_nanos}. */
  public PprofMerger setDurationNanos(long durationNanos) {
    this.durationNanos = durationNanos;
    this.durationSet = true;
    return this;
  }

  /**
   * Adds a profile. Profiles without samples are ignored, as in Pyroscope.
   *
   * @throws FlarestackException {@code INVALID_ARGUMENT} when its sample types or period type
   *     differ from the earlier profiles', a sample has the wrong number of values, or a
   *     reference (location, function, mapping, string) points nowhere
   */
  public void add(Profile p) {
    add(p, Checkpoint.NONE);
  }

  /** {@link #add(Profile)}, calling {@code checkpoint} per sample. */
  public void add(Profile p, Checkpoint checkpoint) {
    requireNonNull(p, "profile is null");
    if (p.getSampleCount() == 0) {
      return;
    }
    Input in = new Input(p);
    header(p, in);
    for (int i = 0; i < p.getSampleCount(); i++) {
      checkpoint.check();
      addSample(p.getSample(i), i, in);
    }
  }

  private void header(Profile p, Input in) {
    long[] types = new long[p.getSampleTypeCount() * 2];
    for (int i = 0; i < p.getSampleTypeCount(); i++) {
      types[2 * i] = in.str(p.getSampleType(i).getType());
      types[2 * i + 1] = in.str(p.getSampleType(i).getUnit());
    }
    long pt = in.str(p.getPeriodType().getType());
    long pu = in.str(p.getPeriodType().getUnit());
    if (width < 0) {
      width = p.getSampleTypeCount();
      sampleTypes = types;
      periodType = pt;
      periodUnit = pu;
      period = p.getPeriod();
      dropFrames = in.str(p.getDropFrames());
      keepFrames = in.str(p.getKeepFrames());
      defaultSampleType = in.str(p.getDefaultSampleType());
      if (!timeSet) {
        timeNanos = p.getTimeNanos();
      }
      if (!durationSet) {
        durationNanos = p.getDurationNanos();
      }
    } else {
      if (!Arrays.equals(types, sampleTypes)) {
        throw FlarestackException.invalidArgument(
            "incompatible sample types %s and %s", describeTypes(sampleTypes), describeTypes(types));
      }
      if (pt != periodType || pu != periodUnit) {
        throw FlarestackException.invalidArgument(
            "incompatible period types %s/%s and %s/%s",
            strings.get((int) periodType), strings.get((int) periodUnit), strings.get((int) pt), strings.get((int) pu));
      }
      period = Math.max(period, p.getPeriod());
      if (defaultSampleType == 0) {
        defaultSampleType = in.str(p.getDefaultSampleType());
      }
      if (!timeSet && (timeNanos == 0 || (p.getTimeNanos() != 0 && p.getTimeNanos() < timeNanos))) {
        timeNanos = p.getTimeNanos();
      }
      if (!durationSet) {
        durationNanos = SampleValues.add(durationNanos, p.getDurationNanos());
      }
    }
    for (int i = 0; i < p.getCommentCount(); i++) {
      long c = in.str(p.getComment(i));
      if (!comments.contains(c)) {
        comments.add(c);
      }
    }
  }

  private void addSample(Sample s, int index, Input in) {
    int nl = s.getLocationIdCount();
    int nlab = s.getLabelCount();
    int len = 1 + nl + 4 * nlab;
    if (len > sampleRow.length) {
      sampleRow = new long[Math.max(len, sampleRow.length * 2)];
    }
    long[] row = sampleRow;
    row[0] = nl;
    for (int j = 0; j < nl; j++) {
      row[1 + j] = in.location(s.getLocationId(j), index) + 1L;
    }
    int base = 1 + nl;
    for (int j = 0; j < nlab; j++) {
      Label l = s.getLabel(j);
      int o = base + 4 * j;
      row[o] = in.str(l.getKey());
      row[o + 1] = in.str(l.getStr());
      row[o + 2] = l.getNum();
      row[o + 3] = in.str(l.getNumUnit());
    }
    sortLabels(row, base, nlab);
    if (s.getValueCount() != width) {
      throw FlarestackException.invalidArgument(
          "invalid pprof: sample %d has %d values, expected one per sample type (%d)", index, s.getValueCount(), width);
    }
    int id = samples.intern(row, len);
    int need = (id + 1) * width;
    if (need > values.length) {
      values = Arrays.copyOf(values, Math.max(need, values.length * 2));
    }
    int o = id * width;
    for (int v = 0; v < width; v++) {
      values[o + v] = SampleValues.add(values[o + v], s.getValue(v));
    }
  }

  // Labels are few per sample: an insertion sort of 4-long tuples keeps the key order-free.
  private static void sortLabels(long[] row, int base, int n) {
    for (int i = 1; i < n; i++) {
      int j = i;
      while (j > 0 && compareTuple(row, base + 4 * (j - 1), base + 4 * j) > 0) {
        for (int k = 0; k < 4; k++) {
          long t = row[base + 4 * (j - 1) + k];
          row[base + 4 * (j - 1) + k] = row[base + 4 * j + k];
          row[base + 4 * j + k] = t;
        }
        j--;
      }
    }
  }

  private static int compareTuple(long[] row, int a, int b) {
    for (int k = 0; k < 4; k++) {
      int c = Long.compare(row[a + k], row[b + k]);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** The merged profile. May be called more than once; later adds are reflected. */
  public Profile build() {
    Profile.Builder b = Profile.newBuilder();
    if (width < 0) {
      b.addSampleType(ValueType.getDefaultInstance()).setPeriodType(ValueType.getDefaultInstance());
    } else {
      for (int i = 0; i < width; i++) {
        b.addSampleType(ValueType.newBuilder().setType(sampleTypes[2 * i]).setUnit(sampleTypes[2 * i + 1]));
      }
      b.setPeriodType(ValueType.newBuilder().setType(periodType).setUnit(periodUnit));
    }
    for (int id = 0; id < samples.size(); id++) {
      Sample.Builder sb = Sample.newBuilder();
      int nl = (int) samples.get(id, 0);
      for (int j = 0; j < nl; j++) {
        sb.addLocationId(samples.get(id, 1 + j));
      }
      for (int v = 0; v < width; v++) {
        sb.addValue(values[id * width + v]);
      }
      for (int o = 1 + nl; o < samples.length(id); o += 4) {
        sb.addLabel(
            Label.newBuilder()
                .setKey(samples.get(id, o))
                .setStr(samples.get(id, o + 1))
                .setNum(samples.get(id, o + 2))
                .setNumUnit(samples.get(id, o + 3)));
      }
      b.addSample(sb);
    }
    for (int id = 0; id < mappings.size(); id++) {
      long flags = mappings.get(id, 5);
      b.addMapping(
          Mapping.newBuilder()
              .setId(id + 1L)
              .setMemoryStart(mappings.get(id, 0))
              .setMemoryLimit(mappings.get(id, 1))
              .setFileOffset(mappings.get(id, 2))
              .setFilename(mappings.get(id, 3))
              .setBuildId(mappings.get(id, 4))
              .setHasFunctions((flags & 1) != 0)
              .setHasFilenames((flags & 2) != 0)
              .setHasLineNumbers((flags & 4) != 0)
              .setHasInlineFrames((flags & 8) != 0));
    }
    for (int id = 0; id < locations.size(); id++) {
      Location.Builder lb =
          Location.newBuilder()
              .setId(id + 1L)
              .setMappingId(locations.get(id, 0))
              .setAddress(locations.get(id, 1))
              .setIsFolded(locations.get(id, 2) != 0);
      for (int o = 3; o < locations.length(id); o += 2) {
        lb.addLine(Line.newBuilder().setFunctionId(locations.get(id, o)).setLine(locations.get(id, o + 1)));
      }
      b.addLocation(lb);
    }
    for (int id = 0; id < functions.size(); id++) {
      b.addFunction(
          Function.newBuilder()
              .setId(id + 1L)
              .setName(functions.get(id, 0))
              .setSystemName(functions.get(id, 1))
              .setFilename(functions.get(id, 2))
              .setStartLine(functions.get(id, 3)));
    }
    b.addAllStringTable(strings);
    for (long c : comments) {
      b.addComment(c);
    }
    return b.setPeriod(period)
        .setTimeNanos(timeNanos)
        .setDurationNanos(durationNanos)
        .setDropFrames(dropFrames)
        .setKeepFrames(keepFrames)
        .setDefaultSampleType(defaultSampleType)
        .build();
  }

  private int intern(String s) {
    Integer id = stringIds.get(s);
    if (id != null) {
      return id;
    }
    int n = strings.size();
    strings.add(s);
    stringIds.put(s, n);
    return n;
  }

  private String describeTypes(long[] types) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < types.length; i += 2) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(strings.get((int) types[i])).append('/').append(strings.get((int) types[i + 1]));
    }
    return sb.append(']').toString();
  }

  /** Per-profile translation of indices and ids to merged ids, filled on first use. */
  private final class Input {
    private final Profile p;
    private final int[] stringOut;
    private final IdIndex locationIndex;
    private final IdIndex functionIndex;
    private final IdIndex mappingIndex;
    private final int[] locationOut;
    private final int[] functionOut;
    private final int[] mappingOut;

    Input(Profile p) {
      this.p = p;
      stringOut = filled(p.getStringTableCount());
      locationIndex = new IdIndex(p.getLocationCount(), i -> p.getLocation(i).getId());
      functionIndex = new IdIndex(p.getFunctionCount(), i -> p.getFunction(i).getId());
      mappingIndex = new IdIndex(p.getMappingCount(), i -> p.getMapping(i).getId());
      locationOut = filled(p.getLocationCount());
      functionOut = filled(p.getFunctionCount());
      mappingOut = filled(p.getMappingCount());
    }

    long str(long index) {
      if (index < 0 || index >= stringOut.length) {
        throw FlarestackException.invalidArgument(
            "invalid pprof: string index %d out of range (string table has %d entries)", index, stringOut.length);
      }
      int i = (int) index;
      int out = stringOut[i];
      if (out < 0) {
        out = intern(p.getStringTable(i));
        stringOut[i] = out;
      }
      return out;
    }

    int location(long id, int sample) {
      int i = locationIndex.indexOf(id);
      if (i < 0) {
        throw FlarestackException.invalidArgument(
            "invalid pprof: sample %d references location id %s, which does not exist", sample, Long.toUnsignedString(id));
      }
      int out = locationOut[i];
      if (out >= 0) {
        return out;
      }
      Location loc = p.getLocation(i);
      int len = 3 + 2 * loc.getLineCount();
      if (len > locationRow.length) {
        locationRow = new long[Math.max(len, locationRow.length * 2)];
      }
      long[] row = locationRow;
      row[0] = loc.getMappingId() == 0 ? 0 : mapping(loc.getMappingId(), loc.getId()) + 1L;
      row[1] = loc.getAddress();
      row[2] = loc.getIsFolded() ? 1 : 0;
      for (int k = 0; k < loc.getLineCount(); k++) {
        Line line = loc.getLine(k);
        row[3 + 2 * k] = line.getFunctionId() == 0 ? 0 : function(line.getFunctionId(), loc.getId()) + 1L;
        row[4 + 2 * k] = line.getLine();
      }
      out = locations.intern(row, len);
      locationOut[i] = out;
      return out;
    }

    private int function(long id, long locationId) {
      int i = functionIndex.indexOf(id);
      if (i < 0) {
        throw FlarestackException.invalidArgument(
            "invalid pprof: location %s references function id %s, which does not exist",
            Long.toUnsignedString(locationId), Long.toUnsignedString(id));
      }
      int out = functionOut[i];
      if (out < 0) {
        Function f = p.getFunction(i);
        smallRow[0] = str(f.getName());
        smallRow[1] = str(f.getSystemName());
        smallRow[2] = str(f.getFilename());
        smallRow[3] = f.getStartLine();
        out = functions.intern(smallRow, 4);
        functionOut[i] = out;
      }
      return out;
    }

    private int mapping(long id, long locationId) {
      int i = mappingIndex.indexOf(id);
      if (i < 0) {
        throw FlarestackException.invalidArgument(
            "invalid pprof: location %s references mapping id %s, which does not exist",
            Long.toUnsignedString(locationId), Long.toUnsignedString(id));
      }
      int out = mappingOut[i];
      if (out < 0) {
        Mapping m = p.getMapping(i);
        smallRow[0] = m.getMemoryStart();
        smallRow[1] = m.getMemoryLimit();
        smallRow[2] = m.getFileOffset();
        smallRow[3] = str(m.getFilename());
        smallRow[4] = str(m.getBuildId());
        smallRow[5] =
            (m.getHasFunctions() ? 1 : 0)
                | (m.getHasFilenames() ? 2 : 0)
                | (m.getHasLineNumbers() ? 4 : 0)
                | (m.getHasInlineFrames() ? 8 : 0);
        out = mappings.intern(smallRow, 6);
        mappingOut[i] = out;
      }
      return out;
    }
  }

  private static int[] filled(int n) {
    int[] a = new int[n];
    Arrays.fill(a, -1);
    return a;
  }

  /** Position of an entity by its id: direct when ids are 1..n in order (the usual case). */
  private static final class IdIndex {
    private final int count;
    private final LongIntMap sparse;

    IdIndex(int count, java.util.function.IntToLongFunction idAt) {
      this.count = count;
      boolean dense = true;
      for (int i = 0; i < count && dense; i++) {
        dense = idAt.applyAsLong(i) == i + 1L;
      }
      if (dense) {
        sparse = null;
      } else {
        sparse = new LongIntMap(count);
        for (int i = 0; i < count; i++) {
          long id = idAt.applyAsLong(i);
          if (id != Long.MIN_VALUE && sparse.get(id) < 0) {
            sparse.put(id, i);
          }
        }
      }
    }

    int indexOf(long id) {
      if (sparse == null) {
        return id >= 1 && id <= count ? (int) (id - 1) : -1;
      }
      return id == Long.MIN_VALUE ? -1 : sparse.get(id);
    }
  }
}
