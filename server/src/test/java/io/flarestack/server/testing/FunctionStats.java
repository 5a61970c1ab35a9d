package io.flarestack.server.testing;

import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.common.testing.PprofFacts;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Per-function facts read straight from a pprof, as independent expectations for flame graphs,
 * top tables and diffs: self = the values of samples whose leaf (innermost line of the first
 * location) is the function.
 */
public final class FunctionStats {
  private FunctionStats() {}

  /** Self value per function name; functions with only zero self are left out. */
  public static Map<String, Long> selfByFunction(Profile p, int index) {
    Map<Long, String> functions = functionNames(p);
    Map<Long, String> leaf = new HashMap<>();
    for (Location l : p.getLocationList()) {
      leaf.put(l.getId(), functions.get(l.getLine(0).getFunctionId()));
    }
    Map<String, Long> self = new HashMap<>();
    for (Sample s : p.getSampleList()) {
      if (s.getLocationIdCount() > 0 && s.getValue(index) != 0) {
        self.merge(leaf.get(s.getLocationId(0)), s.getValue(index), Long::sum);
      }
    }
    return self;
  }

  /** Every function on any stack with a non-zero value. */
  public static Set<String> allFunctions(Profile p, int index) {
    Map<Long, Location> locations = PprofFacts.locations(p);
    Map<Long, String> functions = functionNames(p);
    Set<String> out = new HashSet<>();
    for (Sample s : p.getSampleList()) {
      if (s.getValue(index) == 0) {
        continue;
      }
      for (long id : s.getLocationIdList()) {
        locations.get(id).getLineList().forEach(line -> out.add(functions.get(line.getFunctionId())));
      }
    }
    return out;
  }

  private static Map<Long, String> functionNames(Profile p) {
    Map<Long, String> out = new HashMap<>();
    p.getFunctionList().forEach(f -> out.put(f.getId(), p.getStringTable((int) f.getName())));
    return out;
  }
}
