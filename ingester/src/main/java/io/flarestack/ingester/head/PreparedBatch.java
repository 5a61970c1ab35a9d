package io.flarestack.ingester.head;

import java.util.List;

/**
 * Pushed profiles that passed validation and whose series exist (so the series limit was
 * checked): committing it cannot fail on input. The seam for the write-ahead log: log the
 * request between {@link TenantHead#prepare} and {@link TenantHead#commit}, so a rejected push is
 * never logged and a logged push is always applicable on replay. Immutable; commit it once.
 */
public final class PreparedBatch {
  private final TenantHead head;
  private final List<Item> items;

  PreparedBatch(TenantHead head, List<Item> items) {
    this.head = head;
    this.items = List.copyOf(items);
  }

  TenantHead head() {
    return head;
  }

  List<Item> items() {
    return items;
  }

  /** Number of profiles in the batch. */
  public int profileCount() {
    return items.size();
  }

  /** One validated profile and the series of each of its sample types. */
  record Item(ValidatedProfile profile, SymbolPartition partition, Series[] series, String profileName) {}
}
