package io.flarestack.ingester.head;

import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Label;
import io.flarestack.api.google.v1.Line;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Mapping;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.google.v1.ValueType;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.LabelNames;
import io.flarestack.common.model.tree.LongIntMap;
import io.flarestack.storage.query.SpanIds;

/**
 * A pprof whose every cross reference was checked, with the id → index maps and per-sample
 * span ids the ingest path needs. Checking everything before anything is written is what keeps
 * a bad profile from leaving partial state behind. Immutable after construction.
 */
final class ValidatedProfile {
  private final Profile profile;
  private final String id;
  private final LongIntMap mappingIds; // null when ids are 1..n in order
  private final LongIntMap functionIds;
  private final LongIntMap locationIds;
  private final long[] spanIds; // per sample; null when no sample carries a span

  private ValidatedProfile(Profile profile, String id, LongIntMap mappingIds, LongIntMap functionIds,
      LongIntMap locationIds, long[] spanIds) {
    this.profile = profile;
    this.id = id;
    this.mappingIds = mappingIds;
    this.functionIds = functionIds;
    this.locationIds = locationIds;
    this.spanIds = spanIds;
  }

  Profile profile() {
    return profile;
  }

  String id() {
    return id;
  }

  /** Span id per sample (0 = none), or null when no sample has one. */
  long[] spanIds() {
    return spanIds;
  }

  int mappingIndex(long mappingId) {
    return mappingIds == null ? (int) (mappingId - 1) : mappingIds.get(mappingId);
  }

  int functionIndex(long functionId) {
    return functionIds == null ? (int) (functionId - 1) : functionIds.get(functionId);
  }

  int locationIndex(long locationId) {
    return locationIds == null ? (int) (locationId - 1) : locationIds.get(locationId);
  }

  /**
   * Checks every string index, id reference and value count of the profile.
   *
   * @throws FlarestackException invalid_argument naming the profile, the element and the bad value
   */
  static ValidatedProfile validate(Profile p, String profileId) {
    Checker c = new Checker(p, profileId);
    if (p.getSampleTypeCount() == 0) {
      throw c.error("has no sample types");
    }
    for (int i = 0; i < p.getSampleTypeCount(); i++) {
      ValueType vt = p.getSampleType(i);
      c.string(vt.getType(), "sample_type", i, "type");
      c.string(vt.getUnit(), "sample_type", i, "unit");
    }
    if (p.hasPeriodType()) {
      c.string(p.getPeriodType().getType(), "period_type", -1, "type");
      c.string(p.getPeriodType().getUnit(), "period_type", -1, "unit");
    }
    LongIntMap mappings = c.ids("mapping", p.getMappingCount(), i -> p.getMapping(i).getId());
    for (int i = 0; i < p.getMappingCount(); i++) {
      Mapping m = p.getMapping(i);
      c.string(m.getFilename(), "mapping", i, "filename");
      c.string(m.getBuildId(), "mapping", i, "build_id");
    }
    LongIntMap functions = c.ids("function", p.getFunctionCount(), i -> p.getFunction(i).getId());
    for (int i = 0; i < p.getFunctionCount(); i++) {
      Function f = p.getFunction(i);
      c.string(f.getName(), "function", i, "name");
      c.string(f.getSystemName(), "function", i, "system_name");
      c.string(f.getFilename(), "function", i, "filename");
    }
    LongIntMap locations = c.ids("location", p.getLocationCount(), i -> p.getLocation(i).getId());
    for (int i = 0; i < p.getLocationCount(); i++) {
      Location l = p.getLocation(i);
      if (l.getMappingId() != 0 && !c.defined(mappings, l.getMappingId(), p.getMappingCount())) {
        throw c.error("location id %d references mapping id %d, which is not defined",
            l.getId(), l.getMappingId());
      }
      for (int j = 0; j < l.getLineCount(); j++) {
        Line line = l.getLine(j);
        if (!c.defined(functions, line.getFunctionId(), p.getFunctionCount())) {
          throw c.error("location id %d line %d references function id %d, which is not defined",
              l.getId(), j, line.getFunctionId());
        }
      }
    }
    int types = p.getSampleTypeCount();
    long[] spans = null;
    int spanKey = -2; // string index of "span_id": -2 = not looked up yet, -1 = absent
    for (int i = 0; i < p.getSampleCount(); i++) {
      Sample s = p.getSample(i);
      if (s.getValueCount() != types) {
        throw c.error("sample %d has %d values, but the profile has %d sample types", i, s.getValueCount(), types);
      }
      for (int j = 0; j < s.getLocationIdCount(); j++) {
        long loc = s.getLocationId(j);
        if (!c.defined(locations, loc, p.getLocationCount())) {
          throw c.error("sample %d references location id %d, which is not defined", i, loc);
        }
      }
      for (int j = 0; j < s.getLabelCount(); j++) {
        Label label = s.getLabel(j);
        c.labelString(label.getKey(), i, j, "key");
        c.labelString(label.getStr(), i, j, "str");
        if (spanKey == -2) {
          spanKey = indexOf(p, LabelNames.SPAN_ID);
        }
        if (label.getKey() == spanKey && label.getStr() != 0) {
          long span = SpanIds.parseOrZero(p.getStringTable((int) label.getStr()));
          if (span != 0) {
            if (spans == null) {
              spans = new long[p.getSampleCount()];
            }
            spans[i] = span;
          }
        }
      }
    }
    return new ValidatedProfile(p, profileId, mappings, functions, locations, spans);
  }

  private static int indexOf(Profile p, String s) {
    for (int i = 0; i < p.getStringTableCount(); i++) {
      if (p.getStringTable(i).equals(s)) {
        return i;
      }
    }
    return -1;
  }

  private interface IdAt {
    long id(int index);
  }

  private static final class Checker {
    private final Profile p;
    private final String profileId;

    Checker(Profile p, String profileId) {
      this.p = p;
      this.profileId = profileId;
    }

    // The element is described only on failure, so the happy path allocates nothing.
    void string(long index, String element, int i, String field) {
      if (index < 0 || index >= p.getStringTableCount()) {
        String what = i < 0 ? element + "." + field : element + "[" + i + "]." + field;
        throw error("%s is string index %d, outside the string table of %d entries", what, index,
            p.getStringTableCount());
      }
    }

    void labelString(long index, int sample, int label, String field) {
      if (index < 0 || index >= p.getStringTableCount()) {
        throw error("sample[%d].label[%d].%s is string index %d, outside the string table of %d entries", sample, label,
            field, index, p.getStringTableCount());
      }
    }

    /** Null when the ids are exactly 1..n in order (then id - 1 is the index). */
    LongIntMap ids(String kind, int n, IdAt at) {
      boolean dense = true;
      for (int i = 0; i < n && dense; i++) {
        dense = at.id(i) == i + 1;
      }
      if (dense) {
        return null;
      }
      LongIntMap map = new LongIntMap(n);
      for (int i = 0; i < n; i++) {
        long id = at.id(i);
        if (id == 0 || id == Long.MIN_VALUE) {
          throw error("%s %d has the invalid id %s", kind, i, Long.toUnsignedString(id));
        }
        if (map.get(id) >= 0) {
          throw error("%s id %s is defined twice", kind, Long.toUnsignedString(id));
        }
        map.put(id, i);
      }
      return map;
    }

    boolean defined(LongIntMap map, long id, int n) {
      if (map == null) {
        return id >= 1 && id <= n;
      }
      return id != Long.MIN_VALUE && map.get(id) >= 0;
    }

    FlarestackException error(String format, Object... args) {
      String name = profileId.isEmpty() ? "" : " " + profileId;
      return FlarestackException.invalidArgument("profile%s: %s", name, String.format(format, args));
    }
  }
}
