package io.flarestack.ingester.query;

import io.flarestack.api.ingester.v1.PartialPoint;
import io.flarestack.api.ingester.v1.PartialSeries;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.Labels;
import io.flarestack.common.model.series.Steps;
import io.flarestack.common.model.tree.LongIntMap;
import io.flarestack.ingester.head.ProfileRow;
import io.flarestack.ingester.head.SeriesRows;
import io.flarestack.ingester.head.TenantHead;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SelectSeries over the head: per group of series (by the {@code group_by} labels) and per step
 * point (see {@link Steps}: {@code t = start, start + step, ... <= end}, each covering the step
 * before it), the sum of profile totals and the number of profiles. Points without profiles are
 * omitted. With a
 * call-site or span filter a profile's total is the sum of its matching samples, and a profile
 * without any matching sample does not count. Memory grows with the profiles seen, not with the
 * number of steps.
 */
final class SeriesAggregator {
  private SeriesAggregator() {}

  static List<PartialSeries> aggregate(TenantHead head, ProfileSelection sel,
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
    for (ProfileSelection.Part part : sel.select(head, from, to)) {
      boolean[] match = part.callSiteMatch();
      for (ProfileSelection.Selected s : part.series()) {
        Group g = groups.computeIfAbsent(s.series().labels().keep(groupBy), l -> new Group());
        SeriesRows rows = s.rows();
        for (int r = 0; r < rows.count(); r++) {
          ProfileRow row = rows.row(r);
          if (row.timeNanos() < from || row.timeNanos() > to) {
            continue;
          }
          long total = row.total();
          if (sel.filtersSamples()) {
            total = 0;
            boolean any = false;
            for (int i = 0; i < row.sampleCount(); i++) {
              if ((match == null || match[row.stackId(i)]) && sel.spanAccepts(row, i)) {
                total += row.value(i);
                any = true;
              }
            }
            if (!any) {
              continue;
            }
          }
          long point = steps.pointFor(Math.floorDiv(row.timeNanos(), 1_000_000L));
          if (point != Steps.NONE) {
            g.add(point, total);
          }
        }
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

  /** Points of one group, keyed by point timestamp. */
  private static final class Group {
    private final LongIntMap slots = new LongIntMap(16);
    private long[] steps = new long[16];
    private double[] sums = new double[16];
    private long[] counts = new long[16];
    private int size;

    void add(long point, long total) {
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
      counts[slot]++;
    }

    PartialSeries toProto(Labels labels) {
      long[] keys = new long[size];
      for (int i = 0; i < size; i++) {
        keys[i] = steps[i];
      }
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
