package io.flarestack.bench.fleet;

import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Label;
import io.flarestack.api.google.v1.Line;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Mapping;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.google.v1.ValueType;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps some samples of a profile and only the symbols they reference, with the string table
 * rebuilt (as a client's delta profile of a subset of stacks would be). Ids of locations,
 * functions and mappings are kept. Stateless.
 */
final class Pruner {
  private Pruner() {}

  static Profile prune(Profile p, List<Sample> samples) {
    Map<Integer, Long> strings = new HashMap<>();
    Profile.Builder out = Profile.newBuilder();
    out.addStringTable("");
    strings.put(0, 0L);
    java.util.function.LongUnaryOperator s = old -> strings.computeIfAbsent((int) old, o -> {
      out.addStringTable(p.getStringTable(o));
      return (long) out.getStringTableCount() - 1;
    });
    for (ValueType t : p.getSampleTypeList()) {
      out.addSampleType(ValueType.newBuilder().setType(s.applyAsLong(t.getType())).setUnit(s.applyAsLong(t.getUnit())));
    }
    Set<Long> locationIds = new HashSet<>();
    for (Sample sample : samples) {
      Sample.Builder b = sample.toBuilder().clearLabel();
      for (Label l : sample.getLabelList()) {
        b.addLabel(Label.newBuilder().setKey(s.applyAsLong(l.getKey())).setStr(l.getStr() == 0 ? 0 : s.applyAsLong(l.getStr()))
            .setNum(l.getNum()).setNumUnit(l.getNumUnit() == 0 ? 0 : s.applyAsLong(l.getNumUnit())));
      }
      out.addSample(b);
      locationIds.addAll(sample.getLocationIdList());
    }
    Set<Long> functionIds = new HashSet<>();
    Set<Long> mappingIds = new HashSet<>();
    for (Location l : p.getLocationList()) {
      if (locationIds.contains(l.getId())) {
        out.addLocation(l);
        mappingIds.add(l.getMappingId());
        for (Line line : l.getLineList()) {
          functionIds.add(line.getFunctionId());
        }
      }
    }
    for (Mapping m : p.getMappingList()) {
      if (mappingIds.contains(m.getId())) {
        out.addMapping(m.toBuilder().setFilename(s.applyAsLong(m.getFilename())).setBuildId(s.applyAsLong(m.getBuildId())));
      }
    }
    for (Function f : p.getFunctionList()) {
      if (functionIds.contains(f.getId())) {
        out.addFunction(f.toBuilder().setName(s.applyAsLong(f.getName())).setSystemName(s.applyAsLong(f.getSystemName()))
            .setFilename(s.applyAsLong(f.getFilename())));
      }
    }
    if (p.hasPeriodType()) {
      out.setPeriodType(ValueType.newBuilder().setType(s.applyAsLong(p.getPeriodType().getType()))
          .setUnit(s.applyAsLong(p.getPeriodType().getUnit())));
    }
    out.setPeriod(p.getPeriod());
    out.setDropFrames(s.applyAsLong(p.getDropFrames())).setKeepFrames(s.applyAsLong(p.getKeepFrames()));
    out.setDefaultSampleType(s.applyAsLong(p.getDefaultSampleType()));
    for (long c : p.getCommentList()) {
      out.addComment(s.applyAsLong(c));
    }
    out.setTimeNanos(p.getTimeNanos()).setDurationNanos(p.getDurationNanos());
    return out.build();
  }
}
