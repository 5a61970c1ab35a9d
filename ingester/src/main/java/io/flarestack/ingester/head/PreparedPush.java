package io.flarestack.ingester.head;

import java.util.List;

/**
 * A push split by head window and prepared in each window's head: validated, series resolved,
 * ready to commit. Immutable; commit it once through {@link Head#commit}.
 */
public final class PreparedPush {
  static final PreparedPush EMPTY = new PreparedPush(List.of());

  /** The part of the push for one window. */
  record Part(TenantHead head, PreparedBatch batch) {}

  private final List<Part> parts;

  PreparedPush(List<Part> parts) {
    this.parts = List.copyOf(parts);
  }

  List<Part> parts() {
    return parts;
  }

  /** Number of profiles to commit (0: nothing to log or commit). */
  public int profileCount() {
    int n = 0;
    for (Part p : parts) {
      n += p.batch().profileCount();
    }
    return n;
  }
}
