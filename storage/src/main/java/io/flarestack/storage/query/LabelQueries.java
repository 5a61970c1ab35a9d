package io.flarestack.storage.query;

import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.common.cancel.Cancellation;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.Labels;
import io.flarestack.common.model.ProfileType;
import io.flarestack.common.model.Selector;
import io.flarestack.common.model.tree.CallTree;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Metadata queries: profile types, label names and values, series label sets, profile stats,
 * over every source. A series counts when it has a profile in {@code [start, end]}
 * (milliseconds, inclusive), or any profile when both are 0. Names and values are sorted
 * byte-wise (Go's string order).
 */
final class LabelQueries {
  private LabelQueries() {}

  static List<io.flarestack.api.types.v1.ProfileType> profileTypes(List<? extends ProfileSource> sources, long start,
      long end) {
    TreeMap<String, ProfileType> types = new TreeMap<>(CallTree::compareUtf8);
    for (SelectedSeries s : visible(sources, List.of(), start, end)) {
      types.putIfAbsent(s.profileType().id(), s.profileType());
    }
    List<io.flarestack.api.types.v1.ProfileType> out = new ArrayList<>(types.size());
    for (ProfileType t : types.values()) {
      out.add(t.toProto());
    }
    return out;
  }

  static List<String> labelNames(List<? extends ProfileSource> sources, List<String> matchers, long start, long end) {
    TreeSet<String> names = new TreeSet<>(CallTree::compareUtf8);
    for (SelectedSeries s : visible(sources, matchers, start, end)) {
      Labels l = s.labels();
      for (int i = 0; i < l.size(); i++) {
        names.add(l.name(i));
      }
    }
    return List.copyOf(names);
  }

  static List<String> labelValues(List<? extends ProfileSource> sources, String name, List<String> matchers, long start,
      long end) {
    if (name.isEmpty()) {
      throw FlarestackException.invalidArgument("label values: the label name is required");
    }
    TreeSet<String> values = new TreeSet<>(CallTree::compareUtf8);
    for (SelectedSeries s : visible(sources, matchers, start, end)) {
      String v = s.labels().get(name);
      if (v != null && !v.isEmpty()) {
        values.add(v);
      }
    }
    return List.copyOf(values);
  }

  /**
   * Unique label sets of the matching series, each projected to {@code labelNames} (in that
   * order, absent names skipped) when that list is non-empty.
   */
  static List<List<LabelPair>> series(List<? extends ProfileSource> sources, List<String> matchers,
      List<String> labelNames, long start, long end) {
    Map<Labels, List<LabelPair>> sets = new TreeMap<>();
    for (SelectedSeries s : visible(sources, matchers, start, end)) {
      Labels l = s.labels();
      if (labelNames.isEmpty()) {
        sets.computeIfAbsent(l, Labels::toProto);
        continue;
      }
      Labels projected = l.keep(labelNames);
      if (!sets.containsKey(projected)) {
        Map<String, LabelPair> ordered = new LinkedHashMap<>();
        for (String n : labelNames) {
          String v = l.get(n);
          if (v != null) {
            ordered.putIfAbsent(n, LabelPair.newBuilder().setName(n).setValue(v).build());
          }
        }
        sets.put(projected, List.copyOf(ordered.values()));
      }
    }
    return new ArrayList<>(sets.values());
  }

  /** Whether any profile exists and the oldest/newest profile times in milliseconds. */
  record Stats(boolean dataIngested, long oldestMillis, long newestMillis) {}

  static Stats stats(List<? extends ProfileSource> sources) {
    long oldest = Long.MAX_VALUE;
    long newest = Long.MIN_VALUE;
    boolean any = false;
    Cancellation cancel = Cancellation.current();
    for (ProfileSource s : sources) {
      cancel.checkNow();
      ProfileSource.SourceStats st;
      try {
        st = s.stats();
      } catch (SourceUnavailableException e) {
        continue;
      }
      if (st.any()) {
        any = true;
        oldest = Math.min(oldest, Math.floorDiv(st.oldestNanos(), 1_000_000L));
        newest = Math.max(newest, Math.floorDiv(st.newestNanos(), 1_000_000L));
      }
    }
    return new Stats(any, oldest, newest);
  }

  /**
   * Series matching any of the selectors (each a Prometheus selector; none, or only {@code {}},
   * means all) with a profile in the range, de-duplicated by labels across sources.
   */
  private static List<SelectedSeries> visible(List<? extends ProfileSource> sources, List<String> matchers, long start,
      long end) {
    List<Selector> selectors = Selector.parseAll(matchers);
    boolean all = true;
    for (Selector s : selectors) {
      all &= s.matchers().isEmpty();
    }
    boolean anyTime = start == 0 && end == 0;
    long from = anyTime ? Long.MIN_VALUE : ProfileSelection.fromMillis(start);
    long to = anyTime ? Long.MAX_VALUE : ProfileSelection.toMillisEnd(end);
    Map<Labels, SelectedSeries> out = new LinkedHashMap<>();
    Cancellation cancel = Cancellation.current();
    for (ProfileSource source : sources) {
      cancel.checkNow();
      List<SelectedSeries> found = new ArrayList<>();
      try {
        if (all) {
          found.addAll(source.select(List.of(), from, to, true).series());
        } else {
          for (Selector sel : selectors) {
            cancel.checkNow();
            found.addAll(source.select(sel.matchers(), from, to, true).series());
          }
        }
      } catch (SourceUnavailableException e) {
        continue; // the source logged and counted it
      }
      for (SelectedSeries s : found) {
        out.putIfAbsent(s.labels(), s);
      }
    }
    return new ArrayList<>(out.values());
  }
}
