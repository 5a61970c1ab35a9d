package io.flarestack.bench.jmh;

import io.flarestack.common.model.LabelNames;
import io.flarestack.ingester.head.Series;
import io.flarestack.ingester.head.SeriesRows;
import io.flarestack.ingester.head.TenantHead;
import io.flarestack.storage.block.ProfilesTable;
import io.flarestack.storage.query.ProfileRowView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The rows of a head in the order a block stores them: series sorted by labels, each series'
 * rows by time (docs/block-format.md, "Rows are sorted by series then time"), with each
 * series' row range. The kernels use it to write the same rows and to read the same row ranges
 * as the block reader, without the reader's series index.
 */
final class BlockRows {
  /** A series of the block: its position, first row and row count. */
  record Range(int series, Series head, long firstRow, int rows) {}

  final List<ProfilesTable.Row> rows = new ArrayList<>();
  final List<Range> series = new ArrayList<>();
  final long samples;

  BlockRows(TenantHead head) {
    List<Series> sorted = new ArrayList<>();
    for (Series s : head.series()) {
      if (s.rows().count() > 0) {
        sorted.add(s);
      }
    }
    sorted.sort(Comparator.comparing(Series::labels));
    long n = 0;
    for (int i = 0; i < sorted.size(); i++) {
      SeriesRows r = sorted.get(i).rows();
      List<ProfileRowView> byTime = new ArrayList<>(r.count());
      for (int k = 0; k < r.count(); k++) {
        byTime.add(r.row(k));
      }
      byTime.sort(Comparator.comparingLong(ProfileRowView::timeNanos));
      series.add(new Range(i, sorted.get(i), rows.size(), byTime.size()));
      for (ProfileRowView p : byTime) {
        rows.add(new ProfilesTable.Row(i, p));
        n += p.sampleCount();
      }
    }
    this.samples = n;
  }

  /** The series of one service and profile type, in block order. */
  List<Range> of(String service, String profileType) {
    Predicate<Range> match = r -> service.equals(r.head().labels().get(LabelNames.SERVICE_NAME))
        && profileType.equals(r.head().labels().get(LabelNames.PROFILE_TYPE));
    return series.stream().filter(match).toList();
  }
}
