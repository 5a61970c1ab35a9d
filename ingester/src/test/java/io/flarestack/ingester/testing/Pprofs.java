package io.flarestack.ingester.testing;

import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.ingester.v1.FunctionTree;
import io.flarestack.common.model.tree.CallTree;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Independent readings of raw pprofs and of query results, for expectations: totals and
 * collapsed stacks (function names root first, ';'-joined; a location's inlined lines outermost
 * first; a location without lines named "0x" + its address in hex; zero values dropped;
 * identical stacks summed).
 */
public final class Pprofs {
  private Pprofs() {}

  public static long total(Profile p, int valueIndex) {
    long t = 0;
    for (Sample s : p.getSampleList()) {
      t += s.getValue(valueIndex);
    }
    return t;
  }

  public static Map<String, Long> collapse(Profile p, int valueIndex) {
    Map<Long, Location> locs = new HashMap<>();
    for (Location l : p.getLocationList()) {
      locs.put(l.getId(), l);
    }
    Map<Long, Function> fns = new HashMap<>();
    for (Function f : p.getFunctionList()) {
      fns.put(f.getId(), f);
    }
    Map<String, Long> out = new TreeMap<>();
    for (Sample s : p.getSampleList()) {
      long v = s.getValue(valueIndex);
      if (v == 0) {
        continue;
      }
      List<String> leafFirst = new ArrayList<>();
      for (long id : s.getLocationIdList()) {
        Location l = locs.get(id);
        if (l.getLineCount() == 0) {
          leafFirst.add("0x" + Long.toHexString(l.getAddress()));
        }
        for (int j = 0; j < l.getLineCount(); j++) {
          leafFirst.add(p.getStringTable((int) fns.get(l.getLine(j).getFunctionId()).getName()));
        }
      }
      Collections.reverse(leafFirst);
      out.merge(String.join(";", leafFirst), v, Long::sum);
    }
    out.values().removeIf(x -> x == 0);
    return out;
  }

  /** Collapsed stacks of a function tree: every node with a self value, by its root-first path. */
  public static Map<String, Long> collapse(FunctionTree t) {
    CallTree tree = CallTree.fromProto(t);
    Map<String, Long> out = new TreeMap<>();
    for (int i = 0; i < tree.size(); i++) {
      if (tree.self(i) == 0) {
        continue;
      }
      List<String> path = new ArrayList<>();
      for (int n = i; n > 0; n = tree.parent(n)) {
        path.add(tree.name(n));
      }
      Collections.reverse(path);
      out.merge(String.join(";", path), tree.self(i), Long::sum);
    }
    return out;
  }

  public static long total(FunctionTree t) {
    long sum = 0;
    for (long s : t.getSelfList()) {
      sum += s;
    }
    return sum;
  }
}
