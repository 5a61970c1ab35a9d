package io.flarestack.common.edge.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The {@code route} label of the request metrics, as dskit's {@code MakeLabelValue} builds it: the
 * route template lowercased, every run of characters other than ASCII letters and digits replaced
 * by one {@code _}, leading and trailing {@code _} trimmed; {@code root} when nothing is left.
 * Requests that match no route are labelled {@link #NOT_FOUND}.
 */
public final class RouteLabel {
  public static final String NOT_FOUND = "notfound";
  public static final String ROOT = "root";
  private static final int MAX_CACHED = 10_000;

  // Templates are few (one per registered route), so labels are computed once each.
  private final ConcurrentMap<String, String> cache = new ConcurrentHashMap<>();

  /** The label of a route template, cached; thread-safe. */
  public String of(String template) {
    String label = cache.get(template);
    if (label == null) {
      label = make(template);
      if (cache.size() < MAX_CACHED) {
        cache.put(template, label);
      }
    }
    return label;
  }

  /** Computes the label of a route template or path. */
  public static String make(String template) {
    StringBuilder sb = new StringBuilder(template.length());
    boolean pendingUnderscore = false;
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum) {
        pendingUnderscore = true;
        continue;
      }
      if (pendingUnderscore && sb.length() > 0) {
        sb.append('_');
      }
      pendingUnderscore = false;
      sb.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
    }
    return sb.length() == 0 ? ROOT : sb.toString();
  }
}
