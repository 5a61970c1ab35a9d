package io.flarestack.querier.api;

import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Line;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.google.v1.ValueType;
import io.flarestack.common.model.ProfileType;
import io.flarestack.common.model.tree.CallTree;
import java.util.HashMap;
import java.util.Map;

/**
 * A minimal pprof synthesised from a call tree: one function and location per distinct name,
 * one sample per node with self value. Used where only names survive (span profiles as PPROF).
 */
final class TreePprof {
  private TreePprof() {}

  static Profile toPprof(CallTree tree, ProfileType type, long startMillis, long endMillis) {
    Profile.Builder p = Profile.newBuilder();
    Map<String, Long> strings = new HashMap<>();
    p.addStringTable("");
    strings.put("", 0L);
    java.util.function.Function<String, Long> str = s -> strings.computeIfAbsent(s, k -> {
      p.addStringTable(k);
      return (long) p.getStringTableCount() - 1;
    });
    p.addSampleType(ValueType.newBuilder().setType(str.apply(type.sampleType())).setUnit(str.apply(type.sampleUnit())));
    if (!type.periodType().isEmpty()) {
      p.setPeriodType(ValueType.newBuilder().setType(str.apply(type.periodType())).setUnit(str.apply(type.periodUnit())));
    }
    long[] locationOfName = new long[tree.nameCount()];
    for (int node = 1; node < tree.size(); node++) {
      int nameId = tree.nameIdOf(node);
      if (locationOfName[nameId] == 0) {
        long id = p.getFunctionCount() + 1;
        p.addFunction(Function.newBuilder().setId(id).setName(str.apply(tree.nameById(nameId))));
        p.addLocation(Location.newBuilder().setId(id).addLine(Line.newBuilder().setFunctionId(id)));
        locationOfName[nameId] = id;
      }
    }
    for (int node = 1; node < tree.size(); node++) {
      long self = tree.self(node);
      if (self == 0) {
        continue;
      }
      Sample.Builder s = Sample.newBuilder().addValue(self);
      for (int n = node; n > 0; n = tree.parent(n)) {
        s.addLocationId(locationOfName[tree.nameIdOf(n)]);
      }
      p.addSample(s);
    }
    return p.setTimeNanos(endMillis * 1_000_000).setDurationNanos((endMillis - startMillis) * 1_000_000).build();
  }
}
