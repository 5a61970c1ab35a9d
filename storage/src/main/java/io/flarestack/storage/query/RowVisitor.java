package io.flarestack.storage.query;

/** Receives the rows of a {@link Selection}. */
@FunctionalInterface
public interface RowVisitor {
  /**
   * @param series the index of the row's series in {@link Selection#series()}
   * @param row valid during the call only
   */
  void row(int series, ProfileRowView row);
}
