package io.flarestack.distributor.validation;

import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Label;
import io.flarestack.api.google.v1.Line;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Mapping;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.google.v1.ValueType;
import io.flarestack.common.limits.Limits;
import io.flarestack.common.model.Labels;
import io.flarestack.common.model.tree.LongIntMap;
import io.flarestack.distributor.DiscardException;
import io.flarestack.distributor.DiscardReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Profile rules (Pyroscope's {@code ValidateProfile}, plus reference checks that Pyroscope
 * leaves to its sanitiser): at least one sample type; {@code time_nanos} inside
 * {@code [now - reject_older_than, now + reject_newer_than]} (0 means now); at most
 * {@code max_profile_stacktrace_samples} samples and {@code max_profile_stacktrace_sample_labels}
 * labels per sample; {@code string_table[0] == ""}; every string index in range; no location or
 * function with id 0; every location, function and mapping reference resolves (0 means "none"
 * for a mapping or a line's function); one value per sample type; no {@code -} in sample type
 * names; per sample type, the values of the samples that are kept (none negative) add up to at
 * most {@code Long.MAX_VALUE}. Strings longer than {@code max_profile_symbol_value_length} are
 * truncated to their last characters. A limit of 0 disables its check. Stateless and
 * thread-safe.
 */
public final class ProfileValidator {
  private ProfileValidator() {}

  /**
   * Validates {@code p}.
   *
   * @param labels the series labels, for messages
   * @param nowNanos the receive time
   * @throws DiscardException invalid_argument naming the offending value and the limit
   */
  public static ValidProfile validate(Profile p, Limits limits, Labels labels, long nowNanos) {
    if (p.getSampleTypeCount() == 0) {
      throw malformed("profile with labels '%s' has no sample types", shown(labels));
    }
    long timeNanos = checkTime(p.getTimeNanos(), limits, labels, nowNanos);
    int maxSamples = limits.maxProfileStacktraceSamples();
    if (maxSamples > 0 && p.getSampleCount() > maxSamples) {
      throw DiscardException.invalid(DiscardReason.SAMPLES_LIMIT,
          "the profile with labels '%s' exceeds the samples count limit (max_profile_stacktrace_samples, actual: %d,"
              + " limit: %d, %s)", shown(labels), p.getSampleCount(), maxSamples, Limits.MAX_PROFILE_STACKTRACE_SAMPLES.describe());
    }
    int strings = p.getStringTableCount();
    if (strings == 0 || !p.getStringTable(0).isEmpty()) {
      throw malformed("string 0 should be empty string, got %s",
          strings == 0 ? "an empty string table" : '"' + preview(p.getStringTable(0)) + '"');
    }
    for (int i = 0; i < p.getSampleTypeCount(); i++) {
      ValueType t = p.getSampleType(i);
      checkString(t.getType(), strings, "sample type type");
      checkString(t.getUnit(), strings, "sample type unit");
    }
    if (p.hasPeriodType()) {
      checkString(p.getPeriodType().getType(), strings, "period type type");
      checkString(p.getPeriodType().getUnit(), strings, "period type unit");
    }
    checkString(p.getDropFrames(), strings, "drop frames");
    checkString(p.getKeepFrames(), strings, "keep frames");
    checkString(p.getDefaultSampleType(), strings, "default sample type");
    for (int i = 0; i < p.getCommentCount(); i++) {
      checkString(p.getComment(i), strings, "comment");
    }
    LongIntMap mappings = mappings(p, strings);
    LongIntMap functions = functions(p, strings);
    LongIntMap locations = locations(p, mappings, functions);
    for (ValueType t : p.getSampleTypeList()) {
      String name = p.getStringTable((int) t.getType());
      if (name.indexOf('-') >= 0) {
        throw malformed("sample type contains -: '%s'", name);
      }
    }
    checkSamples(p, limits, labels, strings, locations);
    return new ValidProfile(p, timeNanos, truncatedStrings(p, limits.maxProfileSymbolValueLength()), locations,
        functions, mappings);
  }

  private static long checkTime(long timeNanos, Limits limits, Labels labels, long nowNanos) {
    if (timeNanos == 0) {
      return nowNanos;
    }
    long older = limits.rejectOlderThan().toNanos();
    long newer = limits.rejectNewerThan().toNanos();
    boolean tooOld = older > 0 && timeNanos <= nowNanos - older;
    boolean tooNew = newer > 0 && timeNanos >= nowNanos + newer;
    if (tooOld || tooNew) {
      String window;
      if (older > 0 && newer > 0) {
        window = "the ingestion window starts at " + instant(nowNanos - older) + " and ends at " + instant(nowNanos + newer);
      } else if (older > 0) {
        window = "the ingestion window starts at " + instant(nowNanos - older);
      } else {
        window = "the ingestion window ends at " + instant(nowNanos + newer);
      }
      throw DiscardException.invalid(DiscardReason.NOT_IN_INGESTION_WINDOW,
          "profile with labels '%s' is outside of ingestion window (profile timestamp: %s, %s; %s, %s)", shown(labels),
          instant(timeNanos), window, Limits.REJECT_OLDER_THAN.describe(), Limits.REJECT_NEWER_THAN.describe());
    }
    return timeNanos;
  }

  private static LongIntMap mappings(Profile p, int strings) {
    LongIntMap index = new LongIntMap(p.getMappingCount());
    for (int i = 0; i < p.getMappingCount(); i++) {
      Mapping m = p.getMapping(i);
      checkString(m.getFilename(), strings, "mapping file name");
      checkString(m.getBuildId(), strings, "mapping build ID");
      checkId(m.getId(), "mapping");
      index.put(m.getId(), i);
    }
    return index;
  }

  private static LongIntMap functions(Profile p, int strings) {
    LongIntMap index = new LongIntMap(p.getFunctionCount());
    for (int i = 0; i < p.getFunctionCount(); i++) {
      Function f = p.getFunction(i);
      if (f.getId() == 0) {
        throw malformed("function id is 0 (function %d of %d)", i, p.getFunctionCount());
      }
      checkId(f.getId(), "function");
      checkString(f.getName(), strings, "function name");
      checkString(f.getSystemName(), strings, "function system name");
      checkString(f.getFilename(), strings, "function file name");
      index.put(f.getId(), i);
    }
    return index;
  }

  private static LongIntMap locations(Profile p, LongIntMap mappings, LongIntMap functions) {
    LongIntMap index = new LongIntMap(p.getLocationCount());
    for (int i = 0; i < p.getLocationCount(); i++) {
      Location l = p.getLocation(i);
      if (l.getId() == 0) {
        throw malformed("location id is 0 (location %d of %d)", i, p.getLocationCount());
      }
      checkId(l.getId(), "location");
      if (l.getMappingId() != 0 && !exists(mappings, l.getMappingId())) {
        throw malformed("location %s references mapping %s, which does not exist", Long.toUnsignedString(l.getId()),
            Long.toUnsignedString(l.getMappingId()));
      }
      for (int j = 0; j < l.getLineCount(); j++) {
        Line line = l.getLine(j);
        if (line.getFunctionId() != 0 && !exists(functions, line.getFunctionId())) {
          throw malformed("location %s references function %s, which does not exist", Long.toUnsignedString(l.getId()),
              Long.toUnsignedString(line.getFunctionId()));
        }
      }
      index.put(l.getId(), i);
    }
    return index;
  }

  private static void checkSamples(Profile p, Limits limits, Labels labels, int strings, LongIntMap locations) {
    int maxLabels = limits.maxProfileStacktraceSampleLabels();
    int types = p.getSampleTypeCount();
    long[] totals = new long[types];
    for (int i = 0; i < p.getSampleCount(); i++) {
      Sample s = p.getSample(i);
      if (maxLabels > 0 && s.getLabelCount() > maxLabels) {
        throw DiscardException.invalid(DiscardReason.SAMPLE_LABELS_LIMIT,
            "the profile with labels '%s' exceeds the sample labels limit (max_profile_stacktrace_sample_labels,"
                + " actual: %d, limit: %d, %s)", shown(labels), s.getLabelCount(), maxLabels,
            Limits.MAX_PROFILE_STACKTRACE_SAMPLE_LABELS.describe());
      }
      if (s.getValueCount() != types) {
        throw malformed("sample value length mismatch: sample %d has %d values, the profile has %d sample types", i,
            s.getValueCount(), types);
      }
      addToTotals(p, s, i, totals, labels);
      for (int j = 0; j < s.getLocationIdCount(); j++) {
        long id = s.getLocationId(j);
        if (id == 0 || !exists(locations, id)) {
          throw malformed("sample %d references location %s, which does not exist", i, Long.toUnsignedString(id));
        }
      }
      for (int j = 0; j < s.getLabelCount(); j++) {
        Label l = s.getLabel(j);
        checkString(l.getKey(), strings, "sample label key");
        checkString(l.getStr(), strings, "sample label value");
        checkString(l.getNumUnit(), strings, "sample label unit");
      }
    }
  }

  /**
   * Adds a sample's values to the per-type totals, refusing the profile when one would pass
   * int64: every later sum of this profile's values (duplicate stacks merged, truncated stacks
   * folded, the stored total) is a part of that total, so none of them can wrap. Samples the
   * splitter drops (no location, or a negative value) are left out.
   */
  private static void addToTotals(Profile p, Sample s, int index, long[] totals, Labels labels) {
    if (s.getLocationIdCount() == 0) {
      return;
    }
    for (int t = 0; t < totals.length; t++) {
      if (s.getValue(t) < 0) {
        return;
      }
    }
    for (int t = 0; t < totals.length; t++) {
      long v = s.getValue(t);
      long sum = totals[t] + v;
      if (sum < 0) { // both are non-negative: a negative sum is an overflow
        throw malformed("the values of sample type '%s' in the profile with labels '%s' add up to more than"
            + " the int64 maximum %d: sample %d adds %d to %d", sampleTypeName(p, t), labels, Long.MAX_VALUE, index, v,
            totals[t]);
      }
      totals[t] = sum;
    }
  }

  private static String sampleTypeName(Profile p, int type) {
    long index = p.getSampleType(type).getType();
    return index >= 0 && index < p.getStringTableCount() ? p.getStringTable((int) index) : "#" + type;
  }

  private static List<String> truncatedStrings(Profile p, int limit) {
    List<String> strings = p.getStringTableList();
    if (limit <= 0) {
      return strings;
    }
    List<String> copy = null;
    for (int i = 0; i < strings.size(); i++) {
      String s = strings.get(i);
      if (s.length() > limit) {
        if (copy == null) {
          copy = new ArrayList<>(strings);
        }
        int from = s.length() - limit;
        if (Character.isLowSurrogate(s.charAt(from))) {
          from++; // never start with half a character
        }
        copy.set(i, s.substring(from));
      }
    }
    return copy == null ? strings : copy;
  }

  private static void checkString(long index, int strings, String what) {
    if (index < 0 || index >= strings) {
      throw malformed("%s string index out of range: %d (the string table has %d entries)", what, index, strings);
    }
  }

  // Long.MIN_VALUE is the empty marker of the id maps (looking it up finds an empty slot, not
  // "missing"), so no id may be it and no reference to it resolves.
  private static boolean exists(LongIntMap index, long id) {
    return id != Long.MIN_VALUE && index.get(id) >= 0;
  }

  private static void checkId(long id, String what) {
    if (id == Long.MIN_VALUE) {
      throw malformed("%s id %s is out of range", what, Long.toUnsignedString(id));
    }
  }

  // Labels may hold 30 values of 2 KB each: messages show the start, they travel in gRPC trailers.
  private static String shown(Labels labels) {
    String s = labels.toString();
    return s.length() <= 200 ? s : s.substring(0, 200) + "... (" + s.length() + " characters)";
  }

  private static DiscardException malformed(String format, Object... args) {
    return DiscardException.invalid(DiscardReason.MALFORMED_PROFILE, format, args);
  }

  private static String instant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)).toString();
  }

  private static String preview(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
