package io.flarestack.common.testing;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Label;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Facts read straight from a pprof with plain loops, as expectations independent of the code
 * under test: totals, collapsed stacks, sample types, labels. Stateless and thread-safe.
 *
 * <p>Not to be confused with {@code io.flarestack.common.model.pprof.Collapsed} (main code), which
 * prints what {@code tools/pprof_summary.py --collapsed} prints, line for line, and names a
 * location without lines by its id; {@link #collapsed} names it by its address, which survives
 * the renumbering of ids by any merge, so that a server's output compares with its input.
 */
public final class PprofFacts {
  private PprofFacts() {}

  /**
   * A pprof from bytes, gunzipped first when they start with the gzip magic.
   *
   * @throws IllegalArgumentException when protobuf cannot parse them
   */
  public static Profile parse(byte[] data) {
    try {
      return Profile.parseFrom(SharedTestData.gunzipIfNeeded(data));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not a pprof: " + e.getMessage(), e);
    }
  }

  /** The profile with {@code time_nanos} replaced (the server rejects profiles older than an hour). */
  public static Profile withTime(Profile p, long timeNanos) {
    return p.toBuilder().setTimeNanos(timeNanos).build();
  }

  /** The pprof in {@code data} (gzipped or not) with {@code time_nanos} replaced, uncompressed. */
  public static byte[] withTime(byte[] data, long timeNanos) {
    return withTime(parse(data), timeNanos).toByteArray();
  }

  /** The sum of sample value {@code index} over all samples. */
  public static long total(Profile p, int index) {
    long sum = 0;
    for (Sample s : p.getSampleList()) {
      sum += s.getValue(index);
    }
    return sum;
  }

  /** The sum of every sample's values per sample type name, in sample-type order (same names summed). */
  public static Map<String, Long> totals(Profile p) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (int t = 0; t < p.getSampleTypeCount(); t++) {
      out.merge(sampleTypeName(p, t), total(p, t), Long::sum);
    }
    return out;
  }

  /** Collapsed stacks of value {@code index} over all samples; see {@link #collapsed(Profile, int, Predicate)}. */
  public static Map<String, Long> collapsed(Profile p, int index) {
    return collapsed(p, index, s -> true);
  }

  /**
   * Collapsed stacks of value {@code index} over the samples {@code keep} accepts: per sample the
   * function names root first, joined by {@code ;}; a location with several (inlined) lines
   * contributes them outermost first, i.e. its lines in reverse stored order (pprof stores the
   * innermost first); a location without lines is named {@code 0x} + its address in lower-case hex.
   * Zero values are dropped and identical stacks summed; the map is sorted by stack.
   *
   * @throws IllegalArgumentException when a sample names a location, or a line a function, that
   *     the profile does not hold (an invalid profile is no expectation)
   */
  public static Map<String, Long> collapsed(Profile p, int index, Predicate<Sample> keep) {
    requireNonNull(keep, "keep is null");
    Map<Long, Location> locations = locations(p);
    Map<Long, Function> functions = functions(p);
    Map<String, Long> out = new TreeMap<>();
    List<String> frames = new ArrayList<>();
    for (Sample s : p.getSampleList()) {
      long v = s.getValue(index);
      if (v == 0 || !keep.test(s)) {
        continue;
      }
      frames.clear();
      for (int i = s.getLocationIdCount() - 1; i >= 0; i--) {
        Location l = locations.get(s.getLocationId(i));
        if (l == null) {
          throw new IllegalArgumentException("a sample names location " + s.getLocationId(i) + ", which is missing");
        }
        if (l.getLineCount() == 0) {
          frames.add("0x" + Long.toHexString(l.getAddress()));
        }
        for (int j = l.getLineCount() - 1; j >= 0; j--) {
          Function f = functions.get(l.getLine(j).getFunctionId());
          if (f == null) {
            throw new IllegalArgumentException("location " + l.getId() + " names function "
                + l.getLine(j).getFunctionId() + ", which is missing");
          }
          frames.add(p.getStringTable((int) f.getName()));
        }
      }
      out.merge(String.join(";", frames), v, Long::sum);
    }
    out.values().removeIf(x -> x == 0);
    return out;
  }

  /** The profile's locations by id. */
  public static Map<Long, Location> locations(Profile p) {
    Map<Long, Location> out = new HashMap<>();
    for (Location l : p.getLocationList()) {
      out.put(l.getId(), l);
    }
    return out;
  }

  /** The profile's functions by id. */
  public static Map<Long, Function> functions(Profile p) {
    Map<Long, Function> out = new HashMap<>();
    for (Function f : p.getFunctionList()) {
      out.put(f.getId(), f);
    }
    return out;
  }

  /** Every value multiplied by {@code factor}, e.g. the stacks of a profile pushed that many times. */
  public static Map<String, Long> scaled(Map<String, Long> stacks, long factor) {
    Map<String, Long> out = new TreeMap<>();
    stacks.forEach((k, v) -> out.put(k, v * factor));
    return out;
  }

  /** The name of sample type {@code i}, e.g. {@code cpu}. */
  public static String sampleTypeName(Profile p, int i) {
    return p.getStringTable((int) p.getSampleType(i).getType());
  }

  /** The unit of sample type {@code i}, e.g. {@code nanoseconds}. */
  public static String sampleTypeUnit(Profile p, int i) {
    return p.getStringTable((int) p.getSampleType(i).getUnit());
  }

  /**
   * The index of the first sample type named {@code type}, e.g. {@code cpu}.
   *
   * @throws IllegalArgumentException when there is none
   */
  public static int sampleType(Profile p, String type) {
    for (int i = 0; i < p.getSampleTypeCount(); i++) {
      if (sampleTypeName(p, i).equals(type)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no sample type " + type);
  }

  /**
   * The index of the sample type {@code type/unit}.
   *
   * @throws IllegalArgumentException when there is none
   */
  public static int sampleType(Profile p, String type, String unit) {
    for (int i = 0; i < p.getSampleTypeCount(); i++) {
      if (sampleTypeName(p, i).equals(type) && sampleTypeUnit(p, i).equals(unit)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no " + type + "/" + unit + " values");
  }

  /**
   * The profile type id of sample type {@code i} under the profile name {@code name}:
   * {@code name:type:unit:periodType:periodUnit} (period parts empty without a period type).
   */
  public static String profileType(String name, Profile p, int i) {
    String pt = p.hasPeriodType() ? p.getStringTable((int) p.getPeriodType().getType()) : "";
    String pu = p.hasPeriodType() ? p.getStringTable((int) p.getPeriodType().getUnit()) : "";
    return name + ":" + sampleTypeName(p, i) + ":" + sampleTypeUnit(p, i) + ":" + pt + ":" + pu;
  }

  /** {@link #profileType} of every sample type, in order. */
  public static List<String> profileTypes(String name, Profile p) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < p.getSampleTypeCount(); i++) {
      out.add(profileType(name, p, i));
    }
    return out;
  }

  /** The string value of the sample's label {@code key}, or null when it has none. */
  public static String label(Profile p, Sample s, String key) {
    for (Label l : s.getLabelList()) {
      if (p.getStringTable((int) l.getKey()).equals(key)) {
        return p.getStringTable((int) l.getStr());
      }
    }
    return null;
  }
}
