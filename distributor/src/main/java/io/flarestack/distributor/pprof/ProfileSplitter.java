package io.flarestack.distributor.pprof;

import io.flarestack.api.google.v1.Label;
import io.flarestack.api.google.v1.Line;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.common.model.LabelNames;
import io.flarestack.common.model.Labels;
import io.flarestack.distributor.validation.ValidProfile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Normalises a validated profile and splits it into series by its sample labels (Pyroscope's
 * {@code Normalize} and {@code pprofsplit}):
 * <ul>
 *   <li>samples without locations, with all values zero, or with a negative value are dropped;
 *   <li>stacks deeper than the depth limit keep their leaf-most frames;
 *   <li>the sample label {@code profile_id} is read as {@code span_id}; samples are grouped by
 *       their string labels other than {@code span_id} and {@code trace_id} (numeric labels are
 *       ignored); each group becomes a series labelled with the request labels plus the group's
 *       labels, the request labels winning a clash; groups that end up with equal labels are one
 *       series;
 *   <li>samples of one series with the same stack and span id are merged (values summed);
 *   <li>a sample keeps exactly one label, {@code span_id}, and only when its value is 16 hex
 *       characters; {@code trace_id} and every other sample label are removed.
 * </ul>
 * With one series the profile keeps all its locations, functions and mappings; with several,
 * each series carries only those its samples reference. The string table is shared (with
 * {@code span_id} appended when only {@code profile_id} was present). Stateless and thread-safe.
 */
public final class ProfileSplitter {
  private ProfileSplitter() {}

  /**
   * Splits {@code vp}; an empty list when no sample survives normalisation.
   *
   * @param request the validated request labels
   * @param maxDepth {@code max_profile_stacktrace_depth}, 0 for no limit
   */
  public static List<SplitSeries> split(ValidProfile vp, Labels request, int maxDepth) {
    Profile p = vp.profile();
    List<String> strings = vp.strings();
    List<Sample> samples = p.getSampleList();
    int types = p.getSampleTypeCount();
    LabelGroups groups = new LabelGroups();
    int[] groupSeries = new int[4];
    Map<Labels, Integer> seriesIds = new HashMap<>();
    List<Labels> seriesLabels = new ArrayList<>();
    SampleMerger merger = new SampleMerger(samples.size(), types);
    long[] pairs = new long[8];
    boolean anySpan = false;
    for (int i = 0; i < samples.size(); i++) {
      Sample s = samples.get(i);
      if (s.getLocationIdCount() == 0 || !hasValue(s)) {
        continue;
      }
      int n = 0;
      int spanString = 0;
      long span = 0;
      for (int j = 0; j < s.getLabelCount(); j++) {
        Label l = s.getLabel(j);
        int str = (int) l.getStr();
        if (str == 0) {
          continue; // numeric label or empty value
        }
        String key = strings.get((int) l.getKey());
        if (key.equals(LabelNames.SPAN_ID) || key.equals(LabelNames.PROFILE_ID)) {
          if (spanString == 0 && isSpanId(strings.get(str))) {
            spanString = str;
            span = Long.parseUnsignedLong(strings.get(str), 16);
          }
          continue;
        }
        if (key.equals(LabelNames.TRACE_ID)) {
          continue;
        }
        if (n == pairs.length) {
          pairs = Arrays.copyOf(pairs, n * 2);
        }
        pairs[n++] = (l.getKey() << 32) | str;
      }
      if (n > 1) {
        Arrays.sort(pairs, 0, n);
      }
      int g = groups.find(pairs, n);
      if (g < 0) {
        g = groups.add(pairs, n);
        if (g == groupSeries.length) {
          groupSeries = Arrays.copyOf(groupSeries, g * 2);
        }
        Labels labels = groupLabels(request, strings, pairs, n);
        Integer id = seriesIds.get(labels);
        if (id == null) {
          id = seriesLabels.size();
          seriesIds.put(labels, id);
          seriesLabels.add(labels);
        }
        groupSeries[g] = id;
      }
      anySpan |= spanString != 0;
      int depth = maxDepth > 0 ? Math.min(maxDepth, s.getLocationIdCount()) : s.getLocationIdCount();
      merger.add(samples, i, groupSeries[g], depth, spanString, span);
    }
    if (merger.size() == 0) {
      return List.of();
    }
    return build(vp, strings, seriesLabels, merger, anySpan);
  }

  private static List<SplitSeries> build(ValidProfile vp, List<String> strings, List<Labels> seriesLabels,
      SampleMerger merger, boolean anySpan) {
    Profile p = vp.profile();
    int spanKey = anySpan ? strings.indexOf(LabelNames.SPAN_ID) : -1;
    List<String> outStrings = strings;
    if (anySpan && spanKey < 0) {
      outStrings = new ArrayList<>(strings.size() + 1);
      outStrings.addAll(strings);
      outStrings.add(LabelNames.SPAN_ID);
      spanKey = outStrings.size() - 1;
    }
    int seriesCount = seriesLabels.size();
    // entries of each series, in first-seen order (a counting sort by series)
    int[] start = new int[seriesCount + 1];
    for (int e = 0; e < merger.size(); e++) {
      start[merger.series(e) + 1]++;
    }
    for (int s = 0; s < seriesCount; s++) {
      start[s + 1] += start[s];
    }
    int[] order = new int[merger.size()];
    int[] next = Arrays.copyOf(start, seriesCount);
    for (int e = 0; e < merger.size(); e++) {
      order[next[merger.series(e)]++] = e;
    }
    List<Sample> samples = p.getSampleList();
    int types = p.getSampleTypeCount();
    List<SplitSeries> out = new ArrayList<>(seriesCount);
    for (int s = 0; s < seriesCount; s++) {
      Profile.Builder b = header(p, vp.timeNanos(), outStrings);
      if (seriesCount == 1) {
        b.addAllLocation(p.getLocationList()).addAllFunction(p.getFunctionList()).addAllMapping(p.getMappingList());
      } else {
        addReferencedSymbols(b, vp, samples, merger, order, start[s], start[s + 1]);
      }
      for (int k = start[s]; k < start[s + 1]; k++) {
        int e = order[k];
        Sample src = samples.get(merger.sample(e));
        Sample.Builder sb = Sample.newBuilder();
        for (int j = 0; j < merger.depth(e); j++) {
          sb.addLocationId(src.getLocationId(j));
        }
        for (int t = 0; t < types; t++) {
          sb.addValue(merger.value(e, t));
        }
        if (merger.spanString(e) != 0) {
          sb.addLabel(Label.newBuilder().setKey(spanKey).setStr(merger.spanString(e)));
        }
        b.addSample(sb);
      }
      out.add(new SplitSeries(seriesLabels.get(s), b.build()));
    }
    return out;
  }

  private static Profile.Builder header(Profile p, long timeNanos, List<String> strings) {
    Profile.Builder b = Profile.newBuilder()
        .addAllSampleType(p.getSampleTypeList())
        .addAllStringTable(strings)
        .setDropFrames(p.getDropFrames())
        .setKeepFrames(p.getKeepFrames())
        .setTimeNanos(timeNanos)
        .setDurationNanos(p.getDurationNanos())
        .setPeriod(p.getPeriod())
        .addAllComment(p.getCommentList())
        .setDefaultSampleType(p.getDefaultSampleType());
    if (p.hasPeriodType()) {
      b.setPeriodType(p.getPeriodType());
    }
    return b;
  }

  private static void addReferencedSymbols(Profile.Builder b, ValidProfile vp, List<Sample> samples,
      SampleMerger merger, int[] order, int from, int to) {
    Profile p = vp.profile();
    BitSet locations = new BitSet(p.getLocationCount());
    for (int k = from; k < to; k++) {
      int e = order[k];
      Sample s = samples.get(merger.sample(e));
      for (int j = 0; j < merger.depth(e); j++) {
        locations.set(vp.locationIndex().get(s.getLocationId(j)));
      }
    }
    BitSet functions = new BitSet(p.getFunctionCount());
    BitSet mappings = new BitSet(p.getMappingCount());
    for (int li = locations.nextSetBit(0); li >= 0; li = locations.nextSetBit(li + 1)) {
      Location l = p.getLocation(li);
      b.addLocation(l);
      if (l.getMappingId() != 0) {
        mappings.set(vp.mappingIndex().get(l.getMappingId()));
      }
      for (int j = 0; j < l.getLineCount(); j++) {
        Line line = l.getLine(j);
        if (line.getFunctionId() != 0) {
          functions.set(vp.functionIndex().get(line.getFunctionId()));
        }
      }
    }
    for (int fi = functions.nextSetBit(0); fi >= 0; fi = functions.nextSetBit(fi + 1)) {
      b.addFunction(p.getFunction(fi));
    }
    for (int mi = mappings.nextSetBit(0); mi >= 0; mi = mappings.nextSetBit(mi + 1)) {
      b.addMapping(p.getMapping(mi));
    }
  }

  private static Labels groupLabels(Labels request, List<String> strings, long[] pairs, int n) {
    if (n == 0) {
      return request;
    }
    Labels.Builder b = request.toBuilder();
    for (int i = 0; i < n; i++) {
      b.setIfAbsent(strings.get((int) (pairs[i] >>> 32)), strings.get((int) pairs[i]));
    }
    return b.build();
  }

  // Pyroscope drops samples with a negative value, and those whose values are all zero.
  private static boolean hasValue(Sample s) {
    boolean positive = false;
    for (int t = 0; t < s.getValueCount(); t++) {
      long v = s.getValue(t);
      if (v < 0) {
        return false;
      }
      positive |= v > 0;
    }
    return positive;
  }

  /** Whether {@code v} is a span id as stored per sample: exactly 16 hex characters. */
  static boolean isSpanId(String v) {
    if (v.length() != 16) {
      return false;
    }
    for (int i = 0; i < 16; i++) {
      char c = v.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return false;
      }
    }
    return true;
  }
}
