package io.flarestack.storage.query;

import java.util.List;

/**
 * The series of one {@link ProfileSource} a query covers, and access to their rows and
 * symbols. Taken once per query: a head source snapshots its rows when the selection is made,
 * so every stack id a scan reports lies inside the symbols returned afterwards. Not
 * thread-safe; used by one query.
 */
public interface Selection {
  /** The selected series; their {@code partition} ordinals index {@link #symbols}. */
  List<SelectedSeries> series();

  /** Number of symbol partitions the series refer to. */
  int partitionCount();

  /**
   * The symbols of one partition. A block source reads them on first use.
   *
   * @throws io.flarestack.common.errors.FlarestackException when they cannot be read
   */
  Symbols symbols(int partition);

  /**
   * Calls {@code visitor} for every row of the selected series whose time lies in the
   * selection's range, series by series.
   *
   * @param samples whether the visitor reads samples (stack ids and values); without them a
   *     block source reads only the time and total columns
   * @param spans whether the visitor reads span ids
   */
  void scan(boolean samples, boolean spans, RowVisitor visitor);
}
