package io.flarestack.common.model.pprof;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.common.model.SampleValues;
import io.flarestack.common.model.tree.CallTree;
import io.flarestack.common.model.tree.LongIntMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The "collapsed comparison" of a pprof that Pyroscope's tests use and that {@code
 * testdata/tools/pprof_summary.py --collapsed IDX} prints, line for line: per sample the frames
 * root first joined by {@code ;}, values of one sample type, zero values dropped, identical
 * stacks summed, lines sorted by stack (code point order), each {@code stack value}.
 *
 * <p>Frames are taken leaf first (locations in sample order, each location's lines in stored
 * order) and the whole list is then reversed, so an inlined location contributes its lines
 * outermost first. A location without lines, or a missing location, shows as {@code 0x<id>} in
 * lower-case hex; a missing function as {@code string_table[0]}; a name index past the string
 * table as {@code ?}. Stateless and thread-safe; meant for tests and diagnostics.
 */
public final class Collapsed {
  private Collapsed() {}

  public static List<String> collapsed(Profile p, int valueIndex) {
    requireNonNull(p, "profile is null");
    LongIntMap locations = new LongIntMap(p.getLocationCount());
    for (int i = 0; i < p.getLocationCount(); i++) {
      putId(locations, p.getLocation(i).getId(), i);
    }
    LongIntMap functions = new LongIntMap(p.getFunctionCount());
    for (int i = 0; i < p.getFunctionCount(); i++) {
      putId(functions, p.getFunction(i).getId(), i);
    }
    Map<String, long[]> sums = new HashMap<>();
    List<String> frames = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    for (Sample s : p.getSampleList()) {
      if (valueIndex >= s.getValueCount() || s.getValue(valueIndex) == 0) {
        continue;
      }
      frames.clear();
      for (int j = 0; j < s.getLocationIdCount(); j++) {
        long id = s.getLocationId(j);
        int li = getId(locations, id);
        Location loc = li >= 0 ? p.getLocation(li) : null;
        if (loc == null || loc.getLineCount() == 0) {
          frames.add("0x" + Long.toHexString(id));
          continue;
        }
        for (int k = 0; k < loc.getLineCount(); k++) {
          int fi = getId(functions, loc.getLine(k).getFunctionId());
          long name = fi >= 0 ? p.getFunction(fi).getName() : 0;
          frames.add(name >= 0 && name < p.getStringTableCount() ? p.getStringTable((int) name) : "?");
        }
      }
      sb.setLength(0);
      for (int k = frames.size() - 1; k >= 0; k--) {
        sb.append(frames.get(k));
        if (k > 0) {
          sb.append(';');
        }
      }
      long[] sum = sums.computeIfAbsent(sb.toString(), k -> new long[1]);
      sum[0] = SampleValues.add(sum[0], s.getValue(valueIndex));
    }
    List<String> keys = new ArrayList<>(sums.keySet());
    keys.sort(CallTree::compareUtf8);
    List<String> out = new ArrayList<>(keys.size());
    for (String k : keys) {
      long v = sums.get(k)[0];
      if (v != 0) {
        out.add(k + " " + v);
      }
    }
    return out;
  }

  // LongIntMap reserves Long.MIN_VALUE (uint64 2^63); such an id is treated as absent.
  private static void putId(LongIntMap m, long id, int index) {
    if (id != Long.MIN_VALUE) {
      m.put(id, index);
    }
  }

  private static int getId(LongIntMap m, long id) {
    return id == Long.MIN_VALUE ? -1 : m.get(id);
  }
}
