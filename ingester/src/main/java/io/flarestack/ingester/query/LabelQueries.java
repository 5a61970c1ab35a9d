package io.flarestack.ingester.query;

import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.Labels;
import io.flarestack.common.model.ProfileType;
import io.flarestack.common.model.Selector;
import io.flarestack.common.model.tree.CallTree;
import io.flarestack.ingester.head.Series;
import io.flarestack.ingester.head.SeriesRows;
import io.flarestack.ingester.head.TenantHead;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Metadata queries: profile types, label names and values, series label sets, profile stats.
 * A series counts when it has a profile in {@code [start, end]} (milliseconds, inclusive), or any
 * profile when both are 0. Names and values are sorted byte-wise (Go's string order).
 */
final class LabelQueries {
  private LabelQueries() {}

  static List<io.flarestack.api.types.v1.ProfileType> profileTypes(TenantHead head, long start, long end) {
    TreeMap<String, ProfileType> types = new TreeMap<>(CallTree::compareUtf8);
    for (Series s : visible(head, List.of(), start, end)) {
      types.putIfAbsent(s.profileType().id(), s.profileType());
    }
    List<io.flarestack.api.types.v1.ProfileType> out = new ArrayList<>(types.size());
    for (ProfileType t : types.values()) {
      out.add(t.toProto());
    }
    return out;
  }

  static List<String> labelNames(TenantHead head, List<String> matchers, long start, long end) {
    TreeSet<String> names = new TreeSet<>(CallTree::compareUtf8);
    for (Series s : visible(head, matchers, start, end)) {
      Labels l = s.labels();
      for (int i = 0; i < l.size(); i++) {
        names.add(l.name(i));
      }
    }
    return List.copyOf(names);
  }

  static List<String> labelValues(TenantHead head, String name, List<String> matchers, long start, long end) {
    if (name.isEmpty()) {
      throw FlarestackException.invalidArgument("label values: the label name is required");
    }
    TreeSet<String> values = new TreeSet<>(CallTree::compareUtf8);
    for (Series s : visible(head, matchers, start, end)) {
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
  static List<List<LabelPair>> series(TenantHead head, List<String> matchers, List<String> labelNames, long start,
      long end) {
    Map<Labels, List<LabelPair>> sets = new TreeMap<>();
    for (Series s : visible(head, matchers, start, end)) {
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

  static Stats stats(TenantHead head) {
    long oldest = Long.MAX_VALUE;
    long newest = Long.MIN_VALUE;
    boolean any = false;
    if (head != null) {
      for (Series s : head.series()) {
        SeriesRows rows = s.rows();
        if (rows.count() == 0) {
          continue;
        }
        any = true;
        for (int i = 0; i < rows.count(); i++) {
          long ms = Math.floorDiv(rows.row(i).timeNanos(), 1_000_000L);
          oldest = Math.min(oldest, ms);
          newest = Math.max(newest, ms);
        }
      }
    }
    return new Stats(any, oldest, newest);
  }

  /**
   * Series matching any of the selectors (each a Prometheus selector; none, or only {@code {}},
   * means all) with a profile in the range.
   */
  private static List<Series> visible(TenantHead head, List<String> matchers, long start, long end) {
    if (head == null) {
      return List.of();
    }
    List<Selector> selectors = Selector.parseAll(matchers);
    boolean all = true;
    for (Selector s : selectors) {
      all &= s.matchers().isEmpty();
    }
    List<Series> candidates;
    if (all) {
      candidates = head.series();
    } else {
      BitSet seen = new BitSet();
      candidates = new ArrayList<>();
      for (Selector sel : selectors) {
        for (Series s : head.select(sel.matchers())) {
          if (!seen.get(s.id())) {
            seen.set(s.id());
            candidates.add(s);
          }
        }
      }
    }
    boolean anyTime = start == 0 && end == 0;
    long from = ProfileSelection.fromMillis(start);
    long to = ProfileSelection.toMillisEnd(end);
    List<Series> out = new ArrayList<>(candidates.size());
    for (Series s : candidates) {
      SeriesRows rows = s.rows();
      if (anyTime ? rows.count() > 0 : rows.anyInRange(from, to)) {
        out.add(s);
      }
    }
    return out;
  }
}
