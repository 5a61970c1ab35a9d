package io.flarestack.ingester.head;

import io.flarestack.common.cancel.Cancellation;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.Labels;
import io.flarestack.common.model.Matcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;

/**
 * A tenant's series: labels → series, dense ids in creation order, and postings
 * (name → value → ascending ids) for selector evaluation.
 *
 * <p>Creating a series takes the index lock; looking one up and every read do not. A new series
 * is added to all its postings lists first and to the series list last, and readers take the
 * series list's size first and ignore posting entries at or above it, so a reader's view is
 * always the first N series in full (see {@link AppendOnlyList} and {@link PostingList} for
 * why the elements below N are visible).
 */
final class SeriesIndex {
  private final ConcurrentHashMap<Labels, Series> byLabels = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, PostingList>> postings = new ConcurrentHashMap<>();
  private final AppendOnlyList<Series> series = new AppendOnlyList<>(64);
  private final ReentrantLock lock = new ReentrantLock();
  private final String tenant;
  private final int maxSeries;

  /** @param maxSeries series limit; 0 = unlimited */
  SeriesIndex(String tenant, int maxSeries) {
    this.tenant = tenant;
    this.maxSeries = maxSeries;
  }

  /**
   * The series with exactly these labels, created through {@code factory} (given the new id)
   * when absent.
   *
   * @throws FlarestackException resource_exhausted when a new series would exceed the limit
   */
  Series getOrCreate(Labels labels, IntFunction<Series> factory) {
    Series s = byLabels.get(labels);
    if (s != null) {
      return s;
    }
    lock.lock();
    try {
      s = byLabels.get(labels);
      if (s != null) {
        return s;
      }
      int id = series.size();
      if (maxSeries > 0 && id >= maxSeries) {
        throw FlarestackException.resourceExhausted(
            "per-tenant series limit of %d exceeded for tenant %s (ingester.max-local-series-per-tenant); series %s was rejected",
            maxSeries, tenant, labels);
      }
      s = factory.apply(id);
      for (int i = 0; i < labels.size(); i++) {
        postings.computeIfAbsent(labels.name(i), n -> new ConcurrentHashMap<>())
            .computeIfAbsent(labels.value(i), v -> new PostingList())
            .add(id);
      }
      series.add(s);
      byLabels.put(labels, s);
      return s;
    } finally {
      lock.unlock();
    }
  }

  /** Every series visible now, in id order. */
  List<Series> all() {
    AppendOnlyList.View<Series> v = series.view();
    List<Series> out = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      out.add(v.get(i));
    }
    return out;
  }

  int size() {
    return series.size();
  }

  /**
   * The series matching every matcher, in id order. Equality matchers with a non-empty value go
   * through the postings (intersected); the others are checked on the candidates' labels.
   *
   * @throws io.flarestack.common.cancel.QueryCancelledException when the query's context is
   *     cancelled (checked per candidate: matchers can be costly)
   */
  List<Series> select(List<Matcher> matchers) {
    AppendOnlyList.View<Series> v = series.view();
    int n = v.size();
    int[] candidates = null;
    List<Matcher> rest = new ArrayList<>(matchers.size());
    for (Matcher m : matchers) {
      if (m.type() == Matcher.Type.EQUAL && !m.value().isEmpty()) {
        ConcurrentHashMap<String, PostingList> values = postings.get(m.name());
        PostingList pl = values == null ? null : values.get(m.value());
        if (pl == null) {
          return List.of();
        }
        int[] ids = pl.below(n);
        candidates = candidates == null ? ids : intersect(candidates, ids);
        if (candidates.length == 0) {
          return List.of();
        }
      } else {
        rest.add(m);
      }
    }
    int count = candidates == null ? n : candidates.length;
    List<Series> out = new ArrayList<>();
    Cancellation cancel = Cancellation.current();
    for (int k = 0; k < count; k++) {
      if (!rest.isEmpty()) {
        cancel.checkNow();
      }
      Series s = v.get(candidates == null ? k : candidates[k]);
      if (matchesAll(rest, s.labels())) {
        out.add(s);
      }
    }
    return out;
  }

  private static boolean matchesAll(List<Matcher> matchers, Labels labels) {
    for (int i = 0; i < matchers.size(); i++) {
      if (!matchers.get(i).matches(labels)) {
        return false;
      }
    }
    return true;
  }

  private static int[] intersect(int[] a, int[] b) {
    int[] out = new int[Math.min(a.length, b.length)];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < a.length && j < b.length) {
      if (a[i] < b[j]) {
        i++;
      } else if (a[i] > b[j]) {
        j++;
      } else {
        out[k++] = a[i];
        i++;
        j++;
      }
    }
    return Arrays.copyOf(out, k);
  }
}
