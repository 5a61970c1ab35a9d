package io.flarestack.distributor.testing;

import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.google.v1.ValueType;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Independent readings of pprof facts, for expectations computed from the input. */
public final class Pprofs {
  private Pprofs() {}

  public static Profile parse(byte[] data) {
    try {
      return Profile.parseFrom(TestData.gunzipped(data));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code name:type:unit:periodType:periodUnit} for every sample type. */
  public static java.util.List<String> profileTypes(String name, Profile p) {
    java.util.List<String> out = new java.util.ArrayList<>();
    String pt = p.hasPeriodType() ? p.getStringTable((int) p.getPeriodType().getType()) : "";
    String pu = p.hasPeriodType() ? p.getStringTable((int) p.getPeriodType().getUnit()) : "";
    for (ValueType t : p.getSampleTypeList()) {
      out.add(name + ":" + p.getStringTable((int) t.getType()) + ":" + p.getStringTable((int) t.getUnit()) + ":" + pt + ":" + pu);
    }
    return out;
  }

  /** Sum of every sample's values, per sample type name. */
  public static Map<String, Long> totals(Profile p) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (int t = 0; t < p.getSampleTypeCount(); t++) {
      long sum = 0;
      for (Sample s : p.getSampleList()) {
        sum += s.getValue(t);
      }
      out.merge(p.getStringTable((int) p.getSampleType(t).getType()), sum, Long::sum);
    }
    return out;
  }

  /**
   * Collapsed stacks ("root;...;leaf" by function names of each location's lines, leaf line last
   * within a location as stored) with summed values of one sample type.
   */
  public static Map<String, Long> collapsed(Profile p, int type) {
    Map<Long, Location> locations = new HashMap<>();
    for (Location l : p.getLocationList()) {
      locations.put(l.getId(), l);
    }
    Map<Long, String> functions = new HashMap<>();
    for (io.flarestack.api.google.v1.Function f : p.getFunctionList()) {
      functions.put(f.getId(), p.getStringTable((int) f.getName()));
    }
    Map<String, Long> out = new TreeMap<>();
    for (Sample s : p.getSampleList()) {
      if (s.getValue(type) == 0) {
        continue;
      }
      StringBuilder sb = new StringBuilder();
      for (int i = s.getLocationIdCount() - 1; i >= 0; i--) {
        Location l = locations.get(s.getLocationId(i));
        for (int j = l.getLineCount() - 1; j >= 0; j--) {
          if (sb.length() > 0) {
            sb.append(';');
          }
          sb.append(functions.getOrDefault(l.getLine(j).getFunctionId(), ""));
        }
      }
      out.merge(sb.toString(), s.getValue(type), Long::sum);
    }
    return out;
  }

  /** The profile with {@code time_nanos} replaced. */
  public static byte[] withTime(byte[] data, long timeNanos) {
    return parse(data).toBuilder().setTimeNanos(timeNanos).build().toByteArray();
  }
}
