package io.flarestack.ingester.query;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.cancel.Cancellation;
import io.flarestack.common.model.Matcher;
import io.flarestack.ingester.head.ProfileRow;
import io.flarestack.ingester.head.Series;
import io.flarestack.ingester.head.SeriesRows;
import io.flarestack.ingester.head.SymbolPartition;
import io.flarestack.ingester.head.TenantHead;
import io.flarestack.storage.query.ProfileSource;
import io.flarestack.storage.query.RowVisitor;
import io.flarestack.storage.query.SelectedSeries;
import io.flarestack.storage.query.Selection;
import io.flarestack.storage.query.Symbols;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One tenant head window as a {@link ProfileSource}. A selection snapshots the rows of its
 * series when it is made and takes partition views only afterwards, so every stack id a scan
 * reports lies inside the symbols it hands out (a profile's symbols are published before its
 * rows). Never blocks pushes. Thread-safe.
 */
public final class HeadSource implements ProfileSource {
  private final TenantHead head;

  public HeadSource(TenantHead head) {
    this.head = requireNonNull(head, "head is null");
  }

  public TenantHead head() {
    return head;
  }

  @Override
  public Selection select(List<Matcher> matchers, long fromNanos, long toNanos, boolean exact) {
    List<Series> series = new ArrayList<>();
    List<SeriesRows> rows = new ArrayList<>();
    List<SelectedSeries> selected = new ArrayList<>();
    Map<SymbolPartition, Integer> partitions = new IdentityHashMap<>();
    List<SymbolPartition> partitionList = new ArrayList<>();
    if (fromNanos <= toNanos) {
      Cancellation cancel = Cancellation.current();
      for (Series s : head.select(matchers)) {
        cancel.check();
        SeriesRows r = s.rows();
        if (r.count() == 0 || r.maxTimeNanos() < fromNanos || r.minTimeNanos() > toNanos) {
          continue;
        }
        if (exact && !r.anyInRange(fromNanos, toNanos)) {
          continue;
        }
        Integer p = partitions.get(s.partition());
        if (p == null) {
          p = partitionList.size();
          partitions.put(s.partition(), p);
          partitionList.add(s.partition());
        }
        series.add(s);
        rows.add(r);
        selected.add(new SelectedSeries(s.labels(), s.profileType(), s.period(), p));
      }
    }
    return new HeadSelection(List.copyOf(selected), rows, partitionList);
  }

  @Override
  public SourceStats stats() {
    long oldest = Long.MAX_VALUE;
    long newest = Long.MIN_VALUE;
    boolean any = false;
    Cancellation cancel = Cancellation.current();
    for (Series s : head.series()) {
      SeriesRows rows = s.rows();
      for (int i = 0; i < rows.count(); i++) {
        cancel.check();
        long t = rows.row(i).timeNanos();
        oldest = Math.min(oldest, t);
        newest = Math.max(newest, t);
        any = true;
      }
    }
    return any ? new SourceStats(true, oldest, newest) : SourceStats.NONE;
  }

  private static final class HeadSelection implements Selection {
    private final List<SelectedSeries> series;
    private final List<SeriesRows> rows;
    private final List<SymbolPartition> partitions;
    private final Symbols[] views;

    HeadSelection(List<SelectedSeries> series, List<SeriesRows> rows, List<SymbolPartition> partitions) {
      this.series = series;
      this.rows = rows;
      this.partitions = partitions;
      this.views = new Symbols[partitions.size()];
    }

    @Override
    public List<SelectedSeries> series() {
      return series;
    }

    @Override
    public int partitionCount() {
      return partitions.size();
    }

    @Override
    public Symbols symbols(int partition) {
      Symbols v = views[partition];
      if (v == null) {
        v = partitions.get(partition).view(); // after the row snapshots: covers their stack ids
        views[partition] = v;
      }
      return v;
    }

    @Override
    public void scan(boolean samples, boolean spans, RowVisitor visitor) {
      Cancellation cancel = Cancellation.current();
      for (int i = 0; i < rows.size(); i++) {
        SeriesRows r = rows.get(i);
        for (int k = 0; k < r.count(); k++) {
          cancel.check();
          ProfileRow row = r.row(k);
          visitor.row(i, row);
        }
      }
    }
  }
}
