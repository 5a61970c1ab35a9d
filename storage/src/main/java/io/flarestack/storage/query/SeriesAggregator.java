package io.flarestack.storage.query;

import io.flarestack.api.ingester.v1.PartialPoint;
import io.flarestack.api.ingester.v1.PartialSeries;
import io.flarestack.common.cancel.Cancellation;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.Labels;
import io.flarestack.common.model.SampleValues;
import io.flarestack.common.model.series.Steps;
import io.flarestack.common.model.tree.LongIntMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SelectSeries: per group of series (by the {@code group_by} labels) and per step point (see
 * {@link Steps}: {@code t = start, start + step, ... <= end}, each covering the step before it),
 * the sum of profile totals and the number of profiles, over every source. Points without
 * profiles are omitted. With a call-site or span filter a profile's total is the sum of its
 * matching samples, and a profile without any matching sample does not count. Without such a
 * filter only the time and total of each profile are read. Memory grows with the points seen.
 */
final class SeriesAggregator {
  private SeriesAggregator() {}

  static List<PartialSeries> aggregate(List<? extends ProfileSource> sources, ProfileSelection sel,
      List<String> groupBy, long stepMillis) {
    if (stepMillis <= 0) {
      throw FlarestackException.invalidArgument("step must be a positive number of milliseconds, got %d", stepMillis);
    }
    long start = sel.startMillis();
    long end = sel.endMillis();
    if (end < start) {
      return List.of();
    }
    // One rule for which point a profile belongs to, shared with the querier's merge.
    Steps steps = new Steps(start, end, stepMillis);
    long from = ProfileSelection.fromMillis(steps.readStart());
    long to = ProfileSelection.toMillisEnd(end);
    Map<Labels, Group> groups = new HashMap<>();
    Cancellation cancel = Cancellation.current();
    for (ProfileSource source : ReplicaFilter.apply(sources, sel, from, to, cancel)) {
      cancel.checkNow();
      Map<Labels, Group> local = new HashMap<>();
      try {
        aggregateSource(source, sel, groupBy, steps, from, to, local, cancel);
      } catch (SourceUnavailableException e) {
        continue; // the source logged and counted it; its partial sums are dropped
      }
      for (Map.Entry<Labels, Group> e : local.entrySet()) {
        groups.computeIfAbsent(e.getKey(), l -> new Group()).addAll(e.getValue());
      }
    }
    List<Map.Entry<Labels, Group>> sorted = new ArrayList<>(groups.entrySet());
    sorted.sort(Map.Entry.comparingByKey());
    List<PartialSeries> out = new ArrayList<>(sorted.size());
    for (Map.Entry<Labels, Group> e : sorted) {
      if (e.getValue().size == 0) {
        continue;
      }
      out.add(e.getValue().toProto(e.getKey()));
    }
    return out;
  }

  private static void aggregateSource(ProfileSource source, ProfileSelection sel, List<String> groupBy, Steps steps,
      long from, long to, Map<Labels, Group> groups, Cancellation cancel) {
    Selection s = source.select(sel.matchers(), from, to, false);
    List<SelectedSeries> series = s.series();
    if (series.isEmpty()) {
      return;
    }
    Group[] groupOf = new Group[series.size()];
    for (int i = 0; i < groupOf.length; i++) {
      cancel.check();
      groupOf[i] = groups.computeIfAbsent(series.get(i).labels().keep(groupBy), l -> new Group());
    }
    boolean[][] match = new boolean[s.partitionCount()][];
    if (!sel.callSite().isEmpty()) {
      for (int p = 0; p < match.length; p++) {
        match[p] = CallSiteMatcher.match(s.symbols(p), sel.callSite(), cancel);
      }
    }
    boolean filters = sel.filtersSamples();
    s.scan(filters, sel.filtersSpans(), (i, row) -> {
      cancel.check();
      long t = row.timeNanos();
      if (t < from || t > to) {
        return;
      }
      long total = row.total();
      if (filters) {
        boolean[] m = match[series.get(i).partition()];
        total = 0;
        boolean any = false;
        for (int k = 0; k < row.sampleCount(); k++) {
          int id = row.stackId(k);
          if ((m == null || (id < m.length && m[id])) && sel.spanAccepts(row, k)) {
            total = SampleValues.add(total, row.value(k));
            any = true;
          }
        }
        if (!any) {
          return;
        }
      }
      long point = steps.pointFor(Math.floorDiv(t, 1_000_000L));
      if (point != Steps.NONE) {
        groupOf[i].add(point, total, 1);
      }
    });
  }

  /** Points of one group, keyed by point timestamp. */
  private static final class Group {
    private final LongIntMap slots = new LongIntMap(16);
    private long[] steps = new long[16];
    private double[] sums = new double[16];
    private long[] counts = new long[16];
    private int size;

    void addAll(Group other) {
      for (int i = 0; i < other.size; i++) {
        add(other.steps[i], other.sums[i], other.counts[i]);
      }
    }

    void add(long point, double total, long count) {
      int slot = slots.get(point);
      if (slot < 0) {
        if (size == steps.length) {
          steps = Arrays.copyOf(steps, size * 2);
          sums = Arrays.copyOf(sums, size * 2);
          counts = Arrays.copyOf(counts, size * 2);
        }
        slot = size++;
        steps[slot] = point;
        slots.put(point, slot);
      }
      sums[slot] += total;
      counts[slot] += count;
    }

    PartialSeries toProto(Labels labels) {
      long[] keys = Arrays.copyOf(steps, size);
      Arrays.sort(keys);
      PartialSeries.Builder b = PartialSeries.newBuilder().addAllLabels(labels.toProto());
      for (long k : keys) {
        int slot = slots.get(k);
        b.addPoints(PartialPoint.newBuilder().setTimestamp(k).setSum(sums[slot]).setCount(counts[slot]));
      }
      return b.build();
    }
  }
}
