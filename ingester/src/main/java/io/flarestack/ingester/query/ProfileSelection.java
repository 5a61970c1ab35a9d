package io.flarestack.ingester.query;

import io.flarestack.api.ingester.v1.SelectProfilesRequest;
import io.flarestack.api.types.v1.Location;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.LabelNames;
import io.flarestack.common.model.Matcher;
import io.flarestack.common.model.ProfileType;
import io.flarestack.common.model.Selector;
import io.flarestack.ingester.head.PartitionView;
import io.flarestack.ingester.head.ProfileRow;
import io.flarestack.ingester.head.Series;
import io.flarestack.ingester.head.SeriesRows;
import io.flarestack.ingester.head.SpanIds;
import io.flarestack.ingester.head.SymbolPartition;
import io.flarestack.ingester.head.TenantHead;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed {@link SelectProfilesRequest}: which series (label selector AND profile type), which
 * profiles (time range, milliseconds, both ends inclusive), which samples (call site prefix,
 * span ids). Immutable.
 */
final class ProfileSelection {
  private static final long NANOS_PER_MILLI = 1_000_000L;

  private final ProfileType profileType;
  private final List<Matcher> matchers;
  private final long startMillis;
  private final long endMillis;
  private final List<String> callSite;
  private final long[] spans; // sorted; null = no span filter

  private ProfileSelection(ProfileType profileType, List<Matcher> matchers, long startMillis, long endMillis,
      List<String> callSite, long[] spans) {
    this.profileType = profileType;
    this.matchers = matchers;
    this.startMillis = startMillis;
    this.endMillis = endMillis;
    this.callSite = callSite;
    this.spans = spans;
  }

  /**
   * @throws FlarestackException invalid_argument for a bad selector, profile type or span id
   */
  static ProfileSelection parse(SelectProfilesRequest req) {
    Selector selector = Selector.parse(req.getLabelSelector());
    ProfileType type = ProfileType.parse(req.getProfileTypeId());
    List<Matcher> matchers = new ArrayList<>(selector.matchers());
    matchers.add(Matcher.equal(LabelNames.PROFILE_TYPE, type.id()));
    List<String> callSite = List.of();
    if (req.hasStackTraceSelector()) {
      List<String> names = new ArrayList<>();
      for (Location l : req.getStackTraceSelector().getCallSiteList()) {
        names.add(l.getName());
      }
      callSite = List.copyOf(names);
    }
    long[] spans = null;
    if (req.getSpanSelectorCount() > 0) {
      spans = new long[req.getSpanSelectorCount()];
      for (int i = 0; i < spans.length; i++) {
        spans[i] = SpanIds.parse(req.getSpanSelector(i));
      }
      Arrays.sort(spans);
    }
    return new ProfileSelection(type, List.copyOf(matchers), req.getStart(), req.getEnd(), callSite, spans);
  }

  ProfileType profileType() {
    return profileType;
  }

  long startMillis() {
    return startMillis;
  }

  long endMillis() {
    return endMillis;
  }

  boolean filtersSamples() {
    return spans != null || !callSite.isEmpty();
  }

  /** First nanosecond of a millisecond, saturating. */
  static long fromMillis(long millis) {
    return saturatedMultiply(millis, NANOS_PER_MILLI);
  }

  /** Last nanosecond of a millisecond, saturating. */
  static long toMillisEnd(long millis) {
    long ns = saturatedMultiply(millis, NANOS_PER_MILLI);
    return ns > Long.MAX_VALUE - (NANOS_PER_MILLI - 1) ? Long.MAX_VALUE : ns + NANOS_PER_MILLI - 1;
  }

  private static long saturatedMultiply(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
      return lo;
    }
    return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
  }

  /**
   * Selects the series and snapshots their rows, grouped by symbol partition; partition views
   * are taken after all rows, so they cover every stack id the rows refer to.
   *
   * @param fromNanos first nanosecond of the window (inclusive)
   * @param toNanos last nanosecond of the window (inclusive)
   */
  List<Part> select(TenantHead head, long fromNanos, long toNanos) {
    if (head == null || fromNanos > toNanos) {
      return List.of();
    }
    Map<SymbolPartition, List<Selected>> byPartition = new IdentityHashMap<>();
    List<SymbolPartition> order = new ArrayList<>();
    for (Series s : head.select(matchers)) {
      SeriesRows rows = s.rows();
      if (rows.count() == 0 || rows.maxTimeNanos() < fromNanos || rows.minTimeNanos() > toNanos) {
        continue;
      }
      List<Selected> list = byPartition.get(s.partition());
      if (list == null) {
        list = new ArrayList<>();
        byPartition.put(s.partition(), list);
        order.add(s.partition());
      }
      list.add(new Selected(s, rows));
    }
    List<Part> parts = new ArrayList<>(order.size());
    for (SymbolPartition p : order) {
      PartitionView view = p.view();
      parts.add(new Part(view, byPartition.get(p), CallSiteMatcher.match(view, callSite)));
    }
    return parts;
  }

  /** Whether the span filter lets sample {@code i} of the row through. */
  boolean spanAccepts(ProfileRow row, int i) {
    return spans == null || (row.hasSpans() && Arrays.binarySearch(spans, row.spanId(i)) >= 0);
  }

  /**
   * The summed value of every stack node of a partition over the selected profiles in the
   * window, with the sample filters applied. Indexed by stack node; no hashing per sample.
   */
  long[] nodeValues(Part part, long fromNanos, long toNanos) {
    long[] values = new long[part.view().stackNodeCount()];
    for (Selected sel : part.series()) {
      SeriesRows rows = sel.rows();
      for (int r = 0; r < rows.count(); r++) {
        ProfileRow row = rows.row(r);
        long t = row.timeNanos();
        if (t < fromNanos || t > toNanos) {
          continue;
        }
        int n = row.sampleCount();
        if (spans == null) {
          for (int i = 0; i < n; i++) {
            values[row.stackId(i)] += row.value(i);
          }
        } else if (row.hasSpans()) {
          for (int i = 0; i < n; i++) {
            if (Arrays.binarySearch(spans, row.spanId(i)) >= 0) {
              values[row.stackId(i)] += row.value(i);
            }
          }
        }
      }
    }
    boolean[] match = part.callSiteMatch();
    if (match != null) {
      for (int i = 0; i < values.length; i++) {
        if (!match[i]) {
          values[i] = 0;
        }
      }
    }
    return values;
  }

  /** One selected series and the rows snapshot the query works on. */
  record Selected(Series series, SeriesRows rows) {}

  /**
   * The selected series of one symbol partition, its view, and which stack nodes pass the call
   * site filter (null = all).
   */
  record Part(PartitionView view, List<Selected> series, boolean[] callSiteMatch) {}
}
