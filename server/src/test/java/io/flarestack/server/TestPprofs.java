package io.flarestack.server;

import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Label;
import io.flarestack.api.google.v1.Line;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Independent readings of pprof profiles for expectations: collapsed stacks as Pyroscope's tests
 * compare them (function names root-first, {@code ;}-joined, lines of one location in stored
 * order, zero values dropped, identical stacks summed), totals and sample labels.
 */
final class TestPprofs {
  private TestPprofs() {}

  static Profile parse(byte[] data) {
    try {
      return Profile.parseFrom(SharedTestData.gunzipped(data));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, Long> collapsed(Profile p, int valueIndex) {
    return collapsed(p, valueIndex, s -> true);
  }

  static Map<String, Long> collapsed(Profile p, int valueIndex, Predicate<Sample> keep) {
    Map<Long, Function> functions = new HashMap<>();
    p.getFunctionList().forEach(f -> functions.put(f.getId(), f));
    Map<Long, Location> locations = new HashMap<>();
    p.getLocationList().forEach(l -> locations.put(l.getId(), l));
    Map<String, Long> out = new TreeMap<>();
    for (Sample s : p.getSampleList()) {
      long v = s.getValue(valueIndex);
      if (v == 0 || !keep.test(s)) {
        continue;
      }
      StringBuilder sb = new StringBuilder();
      List<Long> ids = s.getLocationIdList();
      for (int i = ids.size() - 1; i >= 0; i--) {
        List<Line> lines = locations.get(ids.get(i)).getLineList();
        for (int j = lines.size() - 1; j >= 0; j--) {
          if (sb.length() > 0) {
            sb.append(';');
          }
          sb.append(p.getStringTable((int) functions.get(lines.get(j).getFunctionId()).getName()));
        }
      }
      out.merge(sb.toString(), v, Long::sum);
    }
    return out;
  }

  static long total(Profile p, int valueIndex) {
    long sum = 0;
    for (Sample s : p.getSampleList()) {
      sum += s.getValue(valueIndex);
    }
    return sum;
  }

  /** The string value of a sample label, or null. */
  static String label(Profile p, Sample s, String key) {
    for (Label l : s.getLabelList()) {
      if (p.getStringTable((int) l.getKey()).equals(key)) {
        return p.getStringTable((int) l.getStr());
      }
    }
    return null;
  }

  static Map<String, Long> scaled(Map<String, Long> stacks, long factor) {
    Map<String, Long> out = new TreeMap<>();
    stacks.forEach((k, v) -> out.put(k, v * factor));
    return out;
  }

  /** {@code type:unit:periodType:periodUnit} of a sample type, as profile type ids end. */
  static String typeSuffix(Profile p, int i) {
    String pt = p.hasPeriodType() ? p.getStringTable((int) p.getPeriodType().getType()) : "";
    String pu = p.hasPeriodType() ? p.getStringTable((int) p.getPeriodType().getUnit()) : "";
    return p.getStringTable((int) p.getSampleType(i).getType()) + ":" + p.getStringTable((int) p.getSampleType(i).getUnit())
        + ":" + pt + ":" + pu;
  }
}
