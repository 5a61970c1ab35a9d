package io.flarestack.distributor.ingest.jfr;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.jfr.v1.Context;
import io.flarestack.api.jfr.v1.LabelsSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The dynamic labels of the agent's {@code labels} part: an event's {@code contextId} names a
 * context whose key/value string ids resolve to label pairs. Unknown contexts have no labels,
 * unknown string ids read as empty strings, and pairs with an empty key or value are left out
 * (they could not become series labels). Resolved contexts are cached. Not thread-safe.
 */
final class ContextLabels {
  private static final String[] NONE = new String[0];

  private final LabelsSnapshot snapshot;
  private final Map<Long, String[]> resolved = new HashMap<>();

  ContextLabels(LabelsSnapshot snapshot) {
    this.snapshot = requireNonNull(snapshot, "snapshot is null");
  }

  /** The labels of a context as alternating names and values; empty when there are none. */
  String[] labels(long contextId) {
    if (contextId == 0 && !snapshot.containsContexts(0)) {
      return NONE;
    }
    return resolved.computeIfAbsent(contextId, this::resolve);
  }

  /** The string with this id, or "" when the snapshot has none. */
  String string(long id) {
    return snapshot.getStringsOrDefault(id, "");
  }

  private String[] resolve(long contextId) {
    Context c = snapshot.getContextsOrDefault(contextId, null);
    if (c == null || c.getLabelsCount() == 0) {
      return NONE;
    }
    List<String> pairs = new ArrayList<>(c.getLabelsCount() * 2);
    for (Map.Entry<Long, Long> e : c.getLabelsMap().entrySet()) {
      String key = string(e.getKey());
      String value = string(e.getValue());
      if (!key.isEmpty() && !value.isEmpty()) {
        pairs.add(key);
        pairs.add(value);
      }
    }
    return pairs.toArray(NONE);
  }
}
